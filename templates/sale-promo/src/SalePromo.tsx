import React from 'react';
import {AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import {
	css,
	FittedText,
	FONT_FAMILY,
	isRtl,
	makePalette,
	outro,
	pop,
	rise,
	shade,
	SoundBed,
	toPersianDigits,
	useShape,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/bright.wav';

export type SalePromoProps = {
	title: string;
	subtitle: string;
	discount: number;
	cta: string;
	brand: string;
	primary: string;
	secondary: string;
	background: string;
};

/** The discount badge: a turning starburst in the primary colour with the percent in the middle. */
const Badge: React.FC<{size: number; discount: number; persian: boolean; palette: ReturnType<typeof makePalette>}> = ({
	size,
	discount,
	persian,
	palette,
}) => {
	const frame = useCurrentFrame();
	const {fps} = useVideoConfig();
	const points = 18;
	const star = Array.from({length: points * 2}, (_, i) => {
		const r = i % 2 === 0 ? 50 : 43;
		const a = (Math.PI * i) / points;
		return `${50 + r * Math.cos(a)},${50 + r * Math.sin(a)}`;
	}).join(' ');
	const number = persian ? toPersianDigits(Math.round(discount)) : String(Math.round(discount));
	return (
		<div style={{width: size, height: size, position: 'relative', ...pop(frame, fps, 14, 0.2)}}>
			<svg viewBox="0 0 100 100" width={size} height={size} style={{position: 'absolute', transform: `rotate(${frame * 0.6}deg)`}}>
				<polygon points={star} fill={css(palette.primary)} />
				<circle cx="50" cy="50" r="38" fill="none" stroke={css(palette.secondary)} strokeWidth="1.2" strokeDasharray="2 2.5" />
			</svg>
			<div
				dir={persian ? 'rtl' : 'ltr'}
				style={{
					position: 'absolute',
					inset: 0,
					display: 'flex',
					flexDirection: 'column',
					alignItems: 'center',
					justifyContent: 'center',
					fontFamily: FONT_FAMILY,
					color: css(palette.onPrimary),
					lineHeight: 1,
				}}
			>
				<div style={{fontWeight: 900, fontSize: size * 0.3}}>
					{number}
					<span style={{fontSize: size * 0.18}}>{persian ? '٪' : '%'}</span>
				</div>
				<div style={{fontWeight: 700, fontSize: size * 0.1, marginTop: size * 0.03}}>{persian ? 'تخفیف' : 'OFF'}</div>
			</div>
		</div>
	);
};

export const SalePromo: React.FC<SalePromoProps> = (props) => {
	const frame = useCurrentFrame();
	const {fps, durationInFrames} = useVideoConfig();
	const {shape, width, height, unit} = useShape();
	const palette = makePalette(props, {primary: '#e53935', secondary: '#ffca28', background: '#1b1b2f'});
	const persian = isRtl(props.title);
	const fade = outro(frame, durationInFrames);

	// Diagonal stripes in the primary colour sweep across the background.
	const sweep = interpolate(frame, [0, durationInFrames], [0, unit * 0.4]);
	const stripes = `repeating-linear-gradient(${persian ? 120 : 60}deg, ${css(palette.primary, 0.13)} 0 ${unit * 0.05}px, transparent ${unit * 0.05}px ${unit * 0.14}px)`;
	const glow = `radial-gradient(circle at ${persian ? '75%' : '25%'} 30%, ${css(shade(palette.primary, 0.2), 0.45)}, transparent 60%)`;

	const badgeSize = shape === 'landscape' ? height * 0.62 : shape === 'square' ? unit * 0.34 : width * 0.72;
	const textWidth = shape === 'landscape' ? width * 0.5 : shape === 'square' ? width * 0.78 : width * 0.84;
	const ctaIn = spring({frame: frame - 40, fps, config: {damping: 14}});
	const pulse = 1 + 0.04 * Math.sin(Math.max(0, frame - 55) / 5);

	const texts = (
		<div style={{display: 'flex', flexDirection: 'column', alignItems: 'center', gap: unit * 0.035}}>
			<FittedText
				text={props.title}
				maxWidth={textWidth}
				maxFontSize={unit * (shape === 'portrait' ? 0.15 : shape === 'square' ? 0.11 : 0.13)}
				minFontSize={unit * 0.06}
				maxLines={2}
				color={css(palette.ink)}
				weight={900}
				delay={4}
			/>
			<div style={{width: unit * 0.16, height: unit * 0.012, borderRadius: unit, background: css(palette.secondary), ...rise(frame, 12, 0)}} />
			<FittedText
				text={props.subtitle}
				maxWidth={textWidth}
				maxFontSize={unit * 0.055}
				minFontSize={unit * 0.035}
				maxLines={2}
				color={css(palette.ink, 0.85)}
				weight={500}
				delay={18}
				stagger={2}
			/>
			<div
				dir="auto"
				style={{
					marginTop: unit * 0.02,
					padding: `${unit * 0.022}px ${unit * 0.06}px`,
					borderRadius: unit,
					background: css(palette.secondary),
					color: css(makePalette({background: props.secondary}, {primary: '#000', secondary: '#000', background: '#ffca28'}).ink),
					fontFamily: FONT_FAMILY,
					fontWeight: 800,
					fontSize: unit * 0.05,
					opacity: ctaIn,
					transform: `scale(${ctaIn * pulse})`,
					boxShadow: `0 ${unit * 0.01}px ${unit * 0.04}px ${css(palette.secondary, 0.4)}`,
				}}
			>
				{props.cta}
			</div>
		</div>
	);

	return (
		<AbsoluteFill style={{background: css(palette.background), overflow: 'hidden'}}>
			<SoundBed src={bed} />
			{/* Oversized and moved as a whole, so the stripes never show a tile seam. */}
			<div style={{position: 'absolute', inset: -unit * 0.5, backgroundImage: stripes, transform: `translateX(${sweep - unit * 0.2}px)`}} />
			<AbsoluteFill style={{backgroundImage: glow}} />
			<AbsoluteFill style={{opacity: fade}}>
				{shape === 'landscape' ? (
					// Text on the reading side, the badge on the other.
					<AbsoluteFill
						style={{
							flexDirection: persian ? 'row' : 'row-reverse',
							alignItems: 'center',
							justifyContent: 'space-evenly',
						}}
					>
						<Badge size={badgeSize} discount={props.discount} persian={persian} palette={palette} />
						{texts}
					</AbsoluteFill>
				) : shape === 'square' ? (
					// Square: the badge is a sticker on the corner the line ends at, the text centred.
					<>
						<div style={{position: 'absolute', top: -unit * 0.03, [persian ? 'left' : 'right']: -unit * 0.03, transform: 'rotate(-12deg)'}}>
							<Badge size={badgeSize} discount={props.discount} persian={persian} palette={palette} />
						</div>
						<AbsoluteFill style={{alignItems: 'center', justifyContent: 'center', paddingTop: unit * 0.2, paddingBottom: unit * 0.08}}>
							{texts}
						</AbsoluteFill>
					</>
				) : (
					<AbsoluteFill
						style={{
							flexDirection: 'column',
							alignItems: 'center',
							justifyContent: 'space-evenly',
							padding: `${height * 0.06}px 0`,
						}}
					>
						<Badge size={badgeSize} discount={props.discount} persian={persian} palette={palette} />
						{texts}
					</AbsoluteFill>
				)}
				<div
					dir="auto"
					style={{
						position: 'absolute',
						bottom: unit * 0.04,
						left: 0,
						right: 0,
						textAlign: 'center',
						fontFamily: FONT_FAMILY,
						fontWeight: 700,
						fontSize: unit * 0.032,
						letterSpacing: persian ? 0 : unit * 0.002,
						color: css(palette.ink, 0.7),
						...rise(frame, 50, unit * 0.02),
					}}
				>
					{props.brand}
				</div>
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
