import React from 'react';
import {AbsoluteFill, interpolate, useCurrentFrame, useVideoConfig} from 'remotion';
import {
	Blobs,
	css,
	FittedText,
	FONT_FAMILY,
	mix,
	type Palette,
	Pill,
	pop,
	readableOn,
	rise,
	shade,
	slideIn,
	SoundBed,
	useScene,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/bright.wav';

export type InstaPromoProps = {
	title: string;
	subtitle: string;
	badge: string;
	cta: string;
	handle: string;
	primary: string;
	secondary: string;
	background: string;
};

/** The page's avatar in a story ring, and its handle (always left to right: it is Latin). */
const Account: React.FC<{handle: string; size: number; palette: Palette; delay: number}> = ({handle, size, palette, delay}) => {
	const frame = useCurrentFrame();
	const {fps} = useVideoConfig();
	return (
		<div dir="ltr" style={{display: 'flex', alignItems: 'center', gap: size * 0.3, ...pop(frame, fps, delay, 0.7)}}>
			<div
				style={{
					width: size,
					height: size,
					borderRadius: '50%',
					padding: size * 0.07,
					background: `conic-gradient(from ${frame * 3}deg, ${css(palette.secondary)}, ${css(palette.primary)}, ${css(palette.secondary)})`,
				}}
			>
				<div
					style={{
						width: '100%',
						height: '100%',
						borderRadius: '50%',
						border: `${size * 0.05}px solid ${css(palette.background)}`,
						background: css(shade(palette.primary, 0.2)),
						display: 'flex',
						alignItems: 'center',
						justifyContent: 'center',
						color: css(palette.onPrimary),
						fontFamily: FONT_FAMILY,
						fontWeight: 900,
						fontSize: size * 0.42,
					}}
				>
					@
				</div>
			</div>
			<div style={{fontFamily: FONT_FAMILY, fontWeight: 700, fontSize: size * 0.42, color: css(palette.ink)}}>{handle}</div>
		</div>
	);
};

/** A round sticker, turning a little, its text fitted inside. */
const Sticker: React.FC<{text: string; size: number; palette: Palette; delay: number}> = ({text, size, palette, delay}) => {
	const frame = useCurrentFrame();
	const {fps} = useVideoConfig();
	const wobble = Math.sin(frame / 12) * 6;
	return (
		<div
			style={{
				width: size,
				height: size,
				borderRadius: '50%',
				background: css(palette.secondary),
				display: 'flex',
				alignItems: 'center',
				justifyContent: 'center',
				boxShadow: `0 ${size * 0.04}px ${size * 0.12}px ${css(shade(palette.primary, -0.5), 0.3)}`,
				border: `${size * 0.025}px dashed ${css(palette.primary, 0.6)}`,
				...pop(frame, fps, delay, 0.2),
				rotate: `${-12 + wobble}deg`,
			}}
		>
			<FittedText text={text} maxWidth={size * 0.72} maxFontSize={size * 0.2} minFontSize={size * 0.1} maxLines={2} color={css(readableOn(palette.secondary))} weight={900} lineHeight={1.15} delay={delay + 4} stagger={2} />
		</div>
	);
};

export const InstaPromo: React.FC<InstaPromoProps> = (props) => {
	const {frame, fps, durationInFrames, shape, width, height, unit, palette, rtl, fade} = useScene(props, {primary: '#d62976', secondary: '#feda75', background: '#fff3ea'});

	const cardWidth = shape === 'landscape' ? width * 0.5 : shape === 'square' ? width * 0.8 : width * 0.84;
	const cardPad = unit * 0.06;
	const card = (
		<div
			style={{
				width: cardWidth,
				padding: cardPad,
				borderRadius: unit * 0.05,
				background: `linear-gradient(${rtl ? 225 : 135}deg, ${css(palette.primary)}, ${css(mix(palette.primary, palette.secondary, 0.35))})`,
				boxShadow: `0 ${unit * 0.03}px ${unit * 0.08}px ${css(shade(palette.primary, -0.4), 0.35)}`,
				display: 'flex',
				flexDirection: 'column',
				alignItems: 'center',
				gap: unit * 0.03,
				...slideIn(frame, fps, 4, unit * 0.4, rtl),
			}}
		>
			<FittedText
				text={props.title}
				maxWidth={cardWidth - cardPad * 2}
				maxFontSize={unit * (shape === 'portrait' ? 0.13 : 0.11)}
				minFontSize={unit * 0.06}
				maxLines={shape === 'portrait' ? 3 : 2}
				color={css(palette.onPrimary)}
				weight={900}
				lineHeight={1.3}
				balance
				delay={12}
				stagger={4}
			/>
			<FittedText
				text={props.subtitle}
				maxWidth={cardWidth - cardPad * 2}
				maxFontSize={unit * 0.048}
				minFontSize={unit * 0.03}
				maxLines={2}
				balance
				color={css(palette.onPrimary, 0.9)}
				weight={500}
				delay={26}
				stagger={2}
				entrance={30}
			/>
		</div>
	);
	const bounce = Math.abs(Math.sin(Math.max(0, frame - 50) / 6)) * unit * 0.015;
	const cta = (
		<div style={{...rise(frame, 44, unit * 0.05), transform: `translateY(${-bounce}px)`}}>
			<Pill text={props.cta} color={shade(palette.primary, -0.35)} fontSize={unit * (shape === 'landscape' ? 0.042 : 0.045)} />
		</div>
	);
	const stickerSize = unit * (shape === 'landscape' ? 0.26 : shape === 'square' ? 0.24 : 0.3);

	// Little "posts" of the page: rounded tiles in the palette's shades, popping in one by one.
	const tiles = (columns: number, size: number) => (
		<div style={{display: 'grid', gridTemplateColumns: `repeat(${columns}, ${size}px)`, gap: size * 0.08}}>
			{Array.from({length: columns * 2}, (_, i) => {
				const tone = mix(palette.primary, palette.secondary, (i % 3) / 3);
				return (
					<div
						key={i}
						style={{
							width: size,
							height: size,
							borderRadius: size * 0.14,
							background: `radial-gradient(circle at ${30 + (i % 2) * 40}% 35%, ${css(shade(tone, 0.35))}, ${css(tone)} 60%)`,
							...pop(frame, fps, 16 + i * 4, 0.4),
						}}
					/>
				);
			})}
		</div>
	);

	return (
		<AbsoluteFill style={{background: css(palette.background), overflow: 'hidden'}}>
			<SoundBed src={bed} />
			<Blobs colors={[palette.primary, palette.secondary]} count={6} seed="insta" opacity={0.28} />
			<AbsoluteFill style={{opacity: fade}}>
				{shape === 'landscape' ? (
					<AbsoluteFill style={{flexDirection: rtl ? 'row' : 'row-reverse', alignItems: 'center', justifyContent: 'space-evenly'}}>
						<div style={{display: 'flex', flexDirection: 'column', alignItems: 'center', gap: unit * 0.05}}>
							<Account handle={props.handle} size={unit * 0.1} palette={palette} delay={10} />
							{tiles(3, unit * 0.17)}
						</div>
						<div style={{position: 'relative', display: 'flex', flexDirection: 'column', alignItems: 'center', gap: unit * 0.06}}>
							{card}
							{cta}
							<div style={{position: 'absolute', top: -stickerSize * 0.6, [rtl ? 'left' : 'right']: -stickerSize * 0.6}}>
								<Sticker text={props.badge} size={stickerSize} palette={palette} delay={30} />
							</div>
						</div>
					</AbsoluteFill>
				) : (
					<AbsoluteFill style={{flexDirection: 'column', alignItems: 'center', justifyContent: 'space-between', padding: `${shape === 'portrait' ? height * 0.07 : unit * 0.06}px 0`}}>
						{shape === 'portrait' ? (
							// A story: its progress segments, then the page.
							<div style={{display: 'flex', flexDirection: 'column', alignItems: 'center', gap: unit * 0.04}}>
								<div dir="ltr" style={{display: 'flex', gap: unit * 0.015, width: width * 0.9}}>
									{[0, 1, 2].map((i) => (
										<div key={i} style={{flex: 1, height: unit * 0.008, borderRadius: unit, background: css(palette.ink, 0.2), overflow: 'hidden'}}>
											<div style={{height: '100%', width: `${interpolate(frame, [i * 50, i * 50 + 50], [0, 100], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'})}%`, background: css(palette.ink, 0.8)}} />
										</div>
									))}
								</div>
								<Account handle={props.handle} size={unit * 0.11} palette={palette} delay={6} />
							</div>
						) : (
							<Account handle={props.handle} size={unit * 0.085} palette={palette} delay={6} />
						)}
						<div style={{position: 'relative'}}>
							{card}
							<div style={{position: 'absolute', [shape === 'portrait' ? 'bottom' : 'top']: -stickerSize * (shape === 'portrait' ? 0.8 : 0.55), [rtl ? 'left' : 'right']: -stickerSize * 0.2}}>
								<Sticker text={props.badge} size={stickerSize} palette={palette} delay={30} />
							</div>
						</div>
						{shape === 'portrait' ? tiles(3, unit * 0.2) : null}
						{cta}
					</AbsoluteFill>
				)}
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
