import React from 'react';
import {
	AbsoluteFill,
	Audio,
	Sequence,
	cancelRender,
	continueRender,
	delayRender,
	Easing,
	interpolate,
	spring,
	staticFile,
	useCurrentFrame,
	useVideoConfig,
} from 'remotion';

export type PromoProps = {
	title: string;
	subtitle: string;
	accent: string;
};

const FONT_FAMILY = 'FlatRenderVazirmatn';
const DEFAULT_ACCENT = '#1e88e5';

// Load the bundled font before the first frame is captured, so no frame is ever drawn with a
// fallback font (renders must be deterministic, and must not depend on the fonts a node has).
// Vazirmatn also has Latin glyphs, so the subtitle uses it as well.
const fontHandle = delayRender('Loading the Vazirmatn font');
const fontFace = new FontFace(
	FONT_FAMILY,
	`url('${staticFile('Vazirmatn-Bold.ttf')}') format('truetype')`,
	{weight: '700', style: 'normal'},
);
fontFace
	.load()
	.then((loaded) => {
		document.fonts.add(loaded);
		return document.fonts.ready;
	})
	.then(() => continueRender(fontHandle))
	.catch((err) => cancelRender(err));

const parseHex = (color: string): [number, number, number] => {
	const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
	if (!match) {
		return parseHex(DEFAULT_ACCENT);
	}
	let hex = match[1];
	if (hex.length === 3) {
		hex = hex
			.split('')
			.map((c) => c + c)
			.join('');
	}
	return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
};

const mix = (color: [number, number, number], target: number, amount: number): string => {
	const [r, g, b] = color.map((c) => Math.round(c + (target - c) * amount));
	return `rgb(${r}, ${g}, ${b})`;
};

export const Promo: React.FC<PromoProps> = ({title, subtitle, accent}) => {
	const frame = useCurrentFrame();
	const {fps, width, height, durationInFrames} = useVideoConfig();
	const unit = Math.min(width, height);
	const rgb = parseHex(accent ?? DEFAULT_ACCENT);

	// Background: accent gradient whose angle turns slowly with the frame.
	const angle = interpolate(frame, [0, durationInFrames], [120, 160]);
	const background = `linear-gradient(${angle}deg, ${mix(rgb, 255, 0.15)} 0%, ${mix(rgb, 0, 0)} 45%, ${mix(rgb, 0, 0.65)} 100%)`;

	// Card pops in with a spring.
	const pop = spring({frame, fps, config: {damping: 14, stiffness: 120, mass: 0.8}});
	const cardScale = interpolate(pop, [0, 1], [0.6, 1]);
	const cardOpacity = interpolate(frame, [0, 8], [0, 1], {extrapolateRight: 'clamp'});

	// Title slides in from the right (it reads right-to-left), subtitle fades up later.
	const titleIn = spring({frame: frame - 6, fps, config: {damping: 200}});
	const titleX = interpolate(titleIn, [0, 1], [unit * 0.25, 0]);
	const subtitleOpacity = interpolate(frame, [18, 34], [0, 1], {
		extrapolateLeft: 'clamp',
		extrapolateRight: 'clamp',
		easing: Easing.out(Easing.cubic),
	});
	const subtitleY = interpolate(subtitleOpacity, [0, 1], [unit * 0.04, 0]);

	// Something moves on every frame: a progress bar and two orbiting discs.
	const progress = (frame + 1) / durationInFrames;
	const orbit = (frame / durationInFrames) * Math.PI * 2;

	return (
		<AbsoluteFill style={{background, fontFamily: FONT_FAMILY, overflow: 'hidden'}}>
			{/* The template's own sound: a chime as the title comes in. The farm renders it once for
			    the whole range and mixes it in at assembly. */}
			<Sequence from={6} durationInFrames={18} layout="none">
				<Audio src={staticFile('chime.wav')} />
			</Sequence>
			<div
				style={{
					position: 'absolute',
					width: unit * 0.5,
					height: unit * 0.5,
					borderRadius: '50%',
					background: 'rgba(255, 255, 255, 0.10)',
					left: width * 0.8 + Math.cos(orbit) * unit * 0.12 - unit * 0.25,
					top: height * 0.2 + Math.sin(orbit) * unit * 0.12 - unit * 0.25,
				}}
			/>
			<div
				style={{
					position: 'absolute',
					width: unit * 0.35,
					height: unit * 0.35,
					borderRadius: '50%',
					background: 'rgba(0, 0, 0, 0.12)',
					left: width * 0.15 - Math.cos(orbit) * unit * 0.08 - unit * 0.175,
					top: height * 0.85 - Math.sin(orbit) * unit * 0.08 - unit * 0.175,
				}}
			/>
			<AbsoluteFill style={{justifyContent: 'center', alignItems: 'center'}}>
				<div
					style={{
						transform: `scale(${cardScale})`,
						opacity: cardOpacity,
						padding: `${unit * 0.06}px ${unit * 0.08}px`,
						maxWidth: width * 0.86,
						borderRadius: unit * 0.04,
						background: 'rgba(255, 255, 255, 0.14)',
						border: `${Math.max(2, unit * 0.004)}px solid rgba(255, 255, 255, 0.35)`,
						boxShadow: `0 ${unit * 0.02}px ${unit * 0.06}px rgba(0, 0, 0, 0.25)`,
						display: 'flex',
						flexDirection: 'column',
						alignItems: 'center',
						gap: unit * 0.03,
					}}
				>
					<div
						lang="fa"
						dir="rtl"
						style={{
							direction: 'rtl',
							unicodeBidi: 'isolate',
							textAlign: 'center',
							color: 'white',
							fontWeight: 700,
							fontSize: unit * 0.12,
							lineHeight: 1.3,
							transform: `translateX(${titleX}px)`,
							opacity: titleIn,
							textShadow: `0 ${unit * 0.006}px ${unit * 0.02}px rgba(0, 0, 0, 0.3)`,
						}}
					>
						{title}
					</div>
					<div
						lang="en"
						dir="ltr"
						style={{
							direction: 'ltr',
							textAlign: 'center',
							color: 'rgba(255, 255, 255, 0.92)',
							fontWeight: 700,
							fontSize: unit * 0.05,
							letterSpacing: unit * 0.002,
							opacity: subtitleOpacity,
							transform: `translateY(${subtitleY}px)`,
						}}
					>
						{subtitle}
					</div>
				</div>
			</AbsoluteFill>
			<div
				style={{
					position: 'absolute',
					left: 0,
					bottom: 0,
					height: Math.max(8, unit * 0.014),
					width: width * progress,
					background: 'rgba(255, 255, 255, 0.85)',
				}}
			/>
		</AbsoluteFill>
	);
};
