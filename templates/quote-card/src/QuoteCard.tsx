import React from 'react';
import {AbsoluteFill, interpolate} from 'remotion';
import {
	css,
	FittedText,
	FONT_FAMILY,
	isRtl,
	mix,
	pop,
	progress,
	type Rgb,
	rise,
	shade,
	SoundBed,
	useScene,
	wipe,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/warm.wav';

export type QuoteCardProps = {
	title: string;
	author: string;
	brand?: string;
	primary: string;
	secondary: string;
	background: string;
};

/** An eight-pointed star (the khatam of Persian tilework): two squares turned against each other. */
const Star: React.FC<{size: number; color: Rgb; inner: Rgb; turn: number}> = ({size, color, inner, turn}) => (
	<svg viewBox="-50 -50 100 100" width={size} height={size} style={{transform: `rotate(${turn}deg)`}}>
		<rect x="-35" y="-35" width="70" height="70" fill={css(color)} />
		<rect x="-35" y="-35" width="70" height="70" fill={css(color)} transform="rotate(45)" />
		<circle r="22" fill={css(inner)} />
		<circle r="11" fill={css(color)} />
	</svg>
);

export const QuoteCard: React.FC<QuoteCardProps> = (props) => {
	const {frame, fps, durationInFrames, shape, width, height, unit, palette, rtl, fade} = useScene(props, {primary: '#00838f', secondary: '#c9a227', background: '#f7f1e3'}, 18);
	const paper = palette.background;

	// The frame: a border band of stars in the ornament colour, drawn in from the corners.
	const band = unit * (shape === 'portrait' ? 0.09 : 0.1);
	const inset = unit * 0.04;
	const along = (length: number) => Math.max(2, Math.round(length / (band * 1.15)));
	const stars: Array<{x: number; y: number; i: number}> = [];
	const across = along(width - inset * 2);
	const down = along(height - inset * 2);
	for (let i = 0; i < across; i++) {
		const x = inset + band / 2 + (i * (width - inset * 2 - band)) / (across - 1);
		stars.push({x, y: inset + band / 2, i}, {x, y: height - inset - band / 2, i: i + 1});
	}
	for (let j = 1; j < down - 1; j++) {
		const y = inset + band / 2 + (j * (height - inset * 2 - band)) / (down - 1);
		stars.push({x: inset + band / 2, y, i: j}, {x: width - inset - band / 2, y, i: j + 1});
	}

	const textWidth = width - (inset + band * 1.7) * 2;
	const quoteSize = unit * (shape === 'portrait' ? 0.45 : shape === 'square' ? 0.24 : 0.26);
	const lines = props.title.split('\n').filter((l) => l.trim()).length;
	// A verse keeps one hemistich a line where the frame is wide enough; in 9:16 each may take two
	// lines rather than shrink. Prose wraps freely.
	const maxLines = lines > 1 ? (shape === 'portrait' ? lines * 2 : lines) : shape === 'portrait' ? 7 : shape === 'square' ? 5 : 3;
	const title = (
		<FittedText
			text={props.title}
			maxWidth={textWidth}
			maxFontSize={unit * (shape === 'portrait' ? 0.1 : shape === 'square' ? 0.075 : 0.085)}
			minFontSize={unit * 0.032}
			maxLines={maxLines}
			color={css(palette.ink[0] > 128 ? [255, 255, 255] : shade(palette.primary, -0.6))}
			weight={700}
			lineHeight={1.7}
			balance
			delay={18}
			stagger={5}
			entrance={40}
		/>
	);
	const author = (
		<div dir={isRtl(props.author) ? 'rtl' : 'ltr'} style={{display: 'flex', alignItems: 'center', gap: unit * 0.025, ...rise(frame, 70, unit * 0.02)}}>
			<div style={{width: unit * 0.08, height: unit * 0.005, background: css(palette.secondary), ...wipe(frame, 66, rtl, 15)}} />
			<FittedText text={props.author} maxWidth={textWidth * 0.7} maxFontSize={unit * 0.045} minFontSize={unit * 0.026} maxLines={1} color={css(mix(palette.ink, palette.primary, 0.5))} weight={500} delay={70} style={{width: 'auto'}} />
			<div style={{width: unit * 0.08, height: unit * 0.005, background: css(palette.secondary), ...wipe(frame, 66, !rtl, 15)}} />
		</div>
	);
	const mark = (
		<div
			style={{
				fontFamily: FONT_FAMILY,
				fontWeight: 900,
				fontSize: quoteSize,
				lineHeight: 0.8,
				height: quoteSize * 0.45,
				color: css(palette.primary, 0.9),
				...pop(frame, fps, 6, 0.4),
			}}
		>
			{rtl ? '«' : '“'}
		</div>
	);

	return (
		<AbsoluteFill style={{background: `radial-gradient(circle at 50% 45%, ${css(shade(paper, palette.ink[0] > 128 ? 0.08 : 0.5))}, ${css(paper)} 75%)`, overflow: 'hidden'}}>
			<SoundBed src={bed} volume={0.7} />
			<AbsoluteFill style={{opacity: fade}}>
				{stars.map((s, k) => {
					const corner = Math.min(s.x, width - s.x) + Math.min(s.y, height - s.y);
					const appear = progress(frame, (corner / unit) * 30, 20);
					return (
						<div key={k} style={{position: 'absolute', left: s.x - band / 2, top: s.y - band / 2, opacity: appear, transform: `scale(${0.3 + appear * 0.7})`}}>
							<Star size={band} color={s.i % 2 === 0 ? palette.primary : shade(palette.primary, 0.25)} inner={s.i % 2 === 0 ? palette.secondary : paper} turn={frame * (s.i % 2 === 0 ? 0.4 : -0.4)} />
						</div>
					);
				})}
				<div
					style={{
						position: 'absolute',
						inset: inset + band * 1.25,
						border: `${unit * 0.004}px solid ${css(palette.secondary, 0.8)}`,
						borderRadius: unit * 0.02,
						opacity: progress(frame, 10, 20),
					}}
				/>
				<AbsoluteFill
					style={{
						flexDirection: 'column',
						alignItems: 'center',
						justifyContent: 'center',
						gap: unit * (shape === 'portrait' ? 0.07 : 0.035),
						padding: inset + band * 1.5,
						transform: `translateY(${interpolate(frame, [0, durationInFrames], [unit * 0.01, -unit * 0.01])}px)`,
					}}
				>
					{mark}
					{title}
					{author}
				</AbsoluteFill>
				{props.brand ? (
					<div
						dir="auto"
						style={{
							position: 'absolute',
							// On the frame's bottom line, the line broken under it.
							bottom: inset + band * 1.25 - unit * 0.028,
							left: '50%',
							transform: 'translateX(-50%)',
							padding: `0 ${unit * 0.02}px`,
							background: css(paper),
							whiteSpace: 'nowrap',
							fontFamily: FONT_FAMILY,
							fontWeight: 700,
							fontSize: unit * 0.028,
							color: css(palette.ink, 0.55),
							...rise(frame, 80, 0),
						}}
					>
						{props.brand}
					</div>
				) : null}
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
