import React from 'react';
import {AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import {
	css,
	FittedText,
	type Palette,
	Pill,
	pop,
	progress,
	rise,
	shade,
	SoundBed,
	useScene,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/bright.wav';

export type YouTubeIntroProps = {
	title: string;
	subtitle: string;
	cta: string;
	primary: string;
	secondary: string;
	background: string;
};

/** A rounded play button; rings burst out of it when it lands. */
const PlayButton: React.FC<{size: number; palette: Palette}> = ({size, palette}) => {
	const frame = useCurrentFrame();
	const {fps} = useVideoConfig();
	const land = spring({frame: frame - 4, fps, config: {damping: 10, stiffness: 120}});
	return (
		<div style={{position: 'relative', width: size, height: size * 0.72}}>
			{[0, 1, 2].map((i) => {
				const p = progress(frame, 14 + i * 6, 30);
				return (
					<div
						key={i}
						style={{
							position: 'absolute',
							inset: 0,
							borderRadius: size * 0.2,
							border: `${size * 0.02}px solid ${css(palette.primary, 1 - p)}`,
							transform: `scale(${1 + p * (0.5 + i * 0.25)})`,
							opacity: p > 0 ? 1 : 0,
						}}
					/>
				);
			})}
			<div
				style={{
					position: 'absolute',
					inset: 0,
					borderRadius: size * 0.2,
					background: `linear-gradient(160deg, ${css(shade(palette.primary, 0.15))}, ${css(shade(palette.primary, -0.2))})`,
					boxShadow: `0 ${size * 0.05}px ${size * 0.2}px ${css(palette.primary, 0.45)}`,
					transform: `scale(${land}) rotate(${(1 - land) * -25}deg)`,
					display: 'flex',
					alignItems: 'center',
					justifyContent: 'center',
				}}
			>
				<svg viewBox="0 0 10 10" width={size * 0.32} height={size * 0.32} style={{marginLeft: size * 0.04}}>
					<path d="M1.5,0.8 L9.2,5 L1.5,9.2 Z" fill={css(palette.onPrimary)} strokeLinejoin="round" stroke={css(palette.onPrimary)} strokeWidth="0.8" />
				</svg>
			</div>
		</div>
	);
};

/** A bell that rings (swings) a few times after the subscribe button arrives. */
const Bell: React.FC<{size: number; color: string; delay: number}> = ({size, color, delay}) => {
	const frame = useCurrentFrame();
	const t = Math.max(0, frame - delay);
	const swing = Math.sin(t / 2.2) * 22 * Math.exp(-t / 25);
	return (
		<svg viewBox="0 0 24 24" width={size} height={size} style={{transform: `rotate(${swing}deg)`, transformOrigin: '50% 10%'}}>
			<path d="M12 2a1.5 1.5 0 0 1 1.5 1.5v.7A6.5 6.5 0 0 1 18.5 10.5v4.2l1.8 2.3H3.7l1.8-2.3v-4.2A6.5 6.5 0 0 1 10.5 4.2v-.7A1.5 1.5 0 0 1 12 2z" fill={color} />
			<circle cx="12" cy="20" r="2" fill={color} />
		</svg>
	);
};

export const YouTubeIntro: React.FC<YouTubeIntroProps> = (props) => {
	const {frame, fps, durationInFrames, shape, width, height, unit, palette, rtl, fade} = useScene(props, {primary: '#ff1744', secondary: '#ffffff', background: '#121212'});

	const buttonSize = unit * (shape === 'landscape' ? 0.42 : shape === 'square' ? 0.28 : 0.5);
	const textWidth = shape === 'landscape' ? width * 0.5 : width * 0.84;
	const textAlign = shape === 'landscape' ? 'start' : 'center';
	const ctaSize = unit * 0.05;
	const ctaIn = spring({frame: frame - 48, fps, config: {damping: 14}});
	// The video player's bar along the bottom fills as the intro plays.
	const played = interpolate(frame, [0, durationInFrames], [0, 100]);

	const texts = (
		<div dir={rtl ? 'rtl' : 'ltr'} style={{display: 'flex', flexDirection: 'column', alignItems: shape === 'landscape' ? 'flex-start' : 'center', gap: unit * 0.035}}>
			<FittedText
				text={props.title}
				maxWidth={textWidth}
				maxFontSize={unit * (shape === 'portrait' ? 0.15 : shape === 'square' ? 0.1 : 0.13)}
				minFontSize={unit * 0.06}
				maxLines={2}
				color={css(palette.ink)}
				weight={900}
				align={textAlign}
				balance
				delay={20}
				stagger={4}
			/>
			<div style={{width: unit * 0.14, height: unit * 0.01, borderRadius: unit, background: css(palette.secondary), ...rise(frame, 30, 0)}} />
			<FittedText
				text={props.subtitle}
				maxWidth={textWidth}
				maxFontSize={unit * 0.05}
				minFontSize={unit * 0.032}
				maxLines={2}
				color={css(palette.ink, 0.75)}
				weight={500}
				align={textAlign}
				balance
				delay={34}
				stagger={2}
				entrance={24}
			/>
			<div dir={rtl ? 'rtl' : 'ltr'} style={{display: 'flex', alignItems: 'center', gap: unit * 0.03, marginTop: unit * 0.02, opacity: ctaIn, transform: `scale(${ctaIn})`}}>
				<Pill text={props.cta} color={palette.primary} fontSize={ctaSize} />
				<Bell size={ctaSize * 1.6} color={css(palette.secondary)} delay={60} />
			</div>
		</div>
	);

	return (
		<AbsoluteFill style={{background: `radial-gradient(circle at 50% 40%, ${css(shade(palette.background, palette.ink[0] > 128 ? 0.1 : -0.04))}, ${css(palette.background)} 70%)`, overflow: 'hidden'}}>
			<SoundBed src={bed} />
			<AbsoluteFill style={{opacity: fade}}>
				{shape === 'landscape' ? (
					<AbsoluteFill style={{flexDirection: rtl ? 'row-reverse' : 'row', alignItems: 'center', justifyContent: 'center', gap: width * 0.06}}>
						<PlayButton size={buttonSize} palette={palette} />
						{texts}
					</AbsoluteFill>
				) : (
					<AbsoluteFill style={{flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: unit * (shape === 'square' ? 0.05 : 0.14)}}>
						<PlayButton size={buttonSize} palette={palette} />
						{texts}
					</AbsoluteFill>
				)}
				<div dir="ltr" style={{position: 'absolute', left: width * 0.05, right: width * 0.05, bottom: height * 0.05, height: unit * 0.01, borderRadius: unit, background: css(palette.ink, 0.15), ...pop(frame, fps, 0, 1)}}>
					<div style={{position: 'absolute', [rtl ? 'right' : 'left']: 0, top: 0, bottom: 0, width: `${played}%`, borderRadius: unit, background: css(palette.primary)}} />
					<div style={{position: 'absolute', [rtl ? 'right' : 'left']: `calc(${played}% - ${unit * 0.015}px)`, top: -unit * 0.01, width: unit * 0.03, height: unit * 0.03, borderRadius: '50%', background: css(palette.primary)}} />
				</div>
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
