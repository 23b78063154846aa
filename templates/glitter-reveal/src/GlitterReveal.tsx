import React from 'react';
import {AbsoluteFill, Img, interpolate, random, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import {
	css,
	FittedText,
	imageUrl,
	isRtl,
	makePalette,
	mix,
	outro,
	type Palette,
	progress,
	shade,
	SoundBed,
	useShape,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/warm.wav';

export type GlitterRevealProps = {
	logo?: string;
	title: string;
	subtitle: string;
	primary: string;
	secondary: string;
	background: string;
};

const SPARKS = 90;

/** A four-pointed sparkle. */
const Sparkle: React.FC<{x: number; y: number; size: number; color: string; opacity: number; turn: number}> = ({
	x,
	y,
	size,
	color,
	opacity,
	turn,
}) => (
	<svg
		viewBox="-10 -10 20 20"
		width={size}
		height={size}
		style={{position: 'absolute', left: x - size / 2, top: y - size / 2, opacity, transform: `rotate(${turn}deg)`}}
	>
		<path d="M0,-10 C1,-2 2,-1 10,0 C2,1 1,2 0,10 C-1,2 -2,1 -10,0 C-2,-1 -1,-2 0,-10 Z" fill={color} />
	</svg>
);

/** The emblem drawn when no logo is given: a faceted gem in the glitter colours. */
const Emblem: React.FC<{size: number; palette: Palette}> = ({size, palette}) => {
	const light = css(shade(palette.primary, 0.45));
	const mid = css(palette.primary);
	const dark = css(mix(palette.primary, palette.secondary, 0.55));
	return (
		<svg viewBox="0 0 100 100" width={size} height={size}>
			<polygon points="50,6 88,30 88,70 50,94 12,70 12,30" fill={dark} />
			<polygon points="50,6 88,30 50,50" fill={light} />
			<polygon points="50,6 12,30 50,50" fill={mid} />
			<polygon points="12,30 12,70 50,50" fill={dark} />
			<polygon points="88,30 88,70 50,50" fill={mid} />
			<polygon points="12,70 50,94 50,50" fill={mid} />
			<polygon points="88,70 50,94 50,50" fill={light} />
			<circle cx="50" cy="50" r="14" fill="none" stroke={css(palette.background)} strokeWidth="5" />
		</svg>
	);
};

export const GlitterReveal: React.FC<GlitterRevealProps> = (props) => {
	const frame = useCurrentFrame();
	const {fps, durationInFrames} = useVideoConfig();
	const {shape, width, height, unit} = useShape();
	const palette = makePalette(props, {primary: '#ffd54f', secondary: '#7c4dff', background: '#0b0b1e'});
	const logo = imageUrl(props.logo);
	const rtl = isRtl(props.title);
	const fade = outro(frame, durationInFrames);

	// Where the logo sits, and how large, per layout.
	const logoSize = shape === 'landscape' ? height * 0.42 : shape === 'square' ? unit * 0.4 : width * 0.6;
	const center =
		shape === 'landscape'
			? {x: rtl ? width * 0.72 : width * 0.28, y: height * 0.5}
			: shape === 'square'
				? {x: width / 2, y: height * 0.38}
				: {x: width / 2, y: height * 0.42};

	// Glitter flies in from everywhere and settles on the logo (frames 0-40), then twinkles around it.
	const gather = progress(frame, 0, 40);
	const sparks = Array.from({length: SPARKS}, (_, i) => {
		const angle = random(`a${i}`) * Math.PI * 2;
		const far = unit * (0.6 + random(`r${i}`) * 0.6);
		const near = logoSize * (0.35 + random(`n${i}`) * 0.55);
		const r = interpolate(gather, [0, 1], [far, near]);
		const spin = angle + frame / (40 + random(`s${i}`) * 60);
		const twinkle = 0.5 + 0.5 * Math.sin(frame / 4 + random(`t${i}`) * 10);
		const size = unit * (0.01 + random(`z${i}`) * 0.03) * (0.6 + twinkle * 0.6);
		const color = random(`c${i}`) < 0.7 ? css(shade(palette.primary, random(`l${i}`) * 0.5)) : css(palette.secondary);
		return {x: center.x + Math.cos(spin) * r, y: center.y + Math.sin(spin) * r * 0.9, size, color, opacity: twinkle, turn: frame * 2 + i * 17};
	});

	const reveal = spring({frame: frame - 24, fps, config: {damping: 13, stiffness: 110}});
	// A band of light crosses the logo once it is in.
	const shine = interpolate(frame, [48, 78], [-1.2, 1.6], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'});
	const halo = 0.55 + 0.15 * Math.sin(frame / 10);

	const textWidth = shape === 'landscape' ? width * 0.46 : width * 0.84;
	const textBox: React.CSSProperties =
		shape === 'landscape'
			? {position: 'absolute', top: 0, bottom: 0, [rtl ? 'left' : 'right']: width * 0.04, width: textWidth, justifyContent: 'center'}
			: {position: 'absolute', left: (width - textWidth) / 2, width: textWidth, top: center.y + logoSize * 0.68};

	return (
		<AbsoluteFill style={{background: css(palette.background), overflow: 'hidden'}}>
			<SoundBed src={bed} />
			<AbsoluteFill
				style={{
					background: `radial-gradient(circle at ${center.x}px ${center.y}px, ${css(palette.secondary, halo)} 0, ${css(palette.secondary, 0.12)} ${logoSize * 0.9}px, transparent ${unit * 0.9}px)`,
				}}
			/>
			<AbsoluteFill style={{opacity: fade}}>
				{sparks.map((s, i) => (
					<Sparkle key={i} {...s} />
				))}
				<div
					style={{
						position: 'absolute',
						left: center.x - logoSize / 2,
						top: center.y - logoSize / 2,
						width: logoSize,
						height: logoSize,
						opacity: reveal,
						transform: `scale(${0.4 + 0.6 * reveal})`,
						filter: `drop-shadow(0 0 ${unit * 0.03}px ${css(palette.primary, 0.6)})`,
						overflow: 'hidden',
						display: 'flex',
						alignItems: 'center',
						justifyContent: 'center',
					}}
				>
					{logo ? (
						// Fills the logo's place whatever the upload's pixel size; its proportions are kept.
						<Img src={logo} style={{width: '100%', height: '100%', objectFit: 'contain'}} />
					) : (
						<Emblem size={logoSize} palette={palette} />
					)}
					<div
						style={{
							position: 'absolute',
							inset: 0,
							background: `linear-gradient(105deg, transparent ${(shine - 0.2) * 100}%, rgba(255,255,255,0.75) ${shine * 100}%, transparent ${(shine + 0.2) * 100}%)`,
							mixBlendMode: 'overlay',
						}}
					/>
				</div>
				<div style={{...textBox, display: 'flex', flexDirection: 'column', alignItems: 'center', gap: unit * 0.025}}>
					<FittedText
						text={props.title}
						maxWidth={textWidth}
						maxFontSize={unit * (shape === 'landscape' ? 0.12 : 0.11)}
						minFontSize={unit * 0.05}
						maxLines={2}
						color={css(shade(palette.primary, 0.35))}
						weight={900}
						delay={40}
						style={{textShadow: `0 0 ${unit * 0.025}px ${css(palette.primary, 0.55)}`}}
					/>
					<FittedText
						text={props.subtitle}
						maxWidth={textWidth}
						maxFontSize={unit * 0.05}
						minFontSize={unit * 0.032}
						maxLines={2}
						color={css(palette.ink, 0.85)}
						weight={500}
						delay={56}
						stagger={2}
					/>
				</div>
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
