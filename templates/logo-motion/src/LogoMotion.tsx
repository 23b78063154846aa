import React from 'react';
import {AbsoluteFill, Easing, Img, interpolate, spring} from 'remotion';
import {
	css,
	FittedText,
	imageUrl,
	mix,
	type Palette,
	progress,
	rise,
	shade,
	slideIn,
	SoundBed,
	useScene,
	wipe,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/bright.wav';

export type LogoMotionProps = {
	logo?: string;
	title: string;
	subtitle: string;
	primary: string;
	secondary: string;
	background: string;
};

const clamp = {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'} as const;

/** The mark drawn when no logo is given: a turned rounded square with two arcs swinging through it. */
const Emblem: React.FC<{size: number; palette: Palette}> = ({size, palette}) => (
	<svg viewBox="0 0 100 100" width={size} height={size}>
		<rect x="18" y="18" width="64" height="64" rx="16" transform="rotate(45 50 50)" fill={css(palette.primary)} />
		<path d="M30,58 C38,30 62,30 70,42" fill="none" stroke={css(palette.secondary)} strokeWidth="9" strokeLinecap="round" />
		<path d="M30,62 C40,74 58,76 70,58" fill="none" stroke={css(palette.onPrimary)} strokeWidth="9" strokeLinecap="round" />
		<circle cx="50" cy="50" r="5" fill={css(palette.onPrimary)} />
	</svg>
);

/**
 * A kinetic logo reveal: three bands of colour sweep across the frame in the reading direction,
 * a ring draws itself, the logo turns and springs into it, lines burst out from the ring, and the
 * brand name slides in over an underline that wipes in, the tagline rising after it. The logo
 * is an image binding (a data: URI or a package file); a drawn mark stands in when it is empty.
 */
export const LogoMotion: React.FC<LogoMotionProps> = (props) => {
	const {frame, fps, shape, width, height, unit, palette, rtl, fade} = useScene(props, {
		primary: '#ff5722',
		secondary: '#ffc400',
		background: '#101820',
	});
	const logo = imageUrl(props.logo);

	// The ring's diameter and centre per layout; the logo sits inside it.
	const ring = shape === 'landscape' ? height * 0.5 : shape === 'square' ? unit * 0.44 : width * 0.66;
	const center =
		shape === 'landscape'
			? {x: rtl ? width * 0.73 : width * 0.27, y: height * 0.5}
			: shape === 'square'
				? {x: width / 2, y: height * 0.37}
				: {x: width / 2, y: height * 0.38};
	const logoSize = ring * 0.62;

	// Bands sweep across (frames 0-34), each a little later than the one before.
	const sign = rtl ? -1 : 1;
	const bands = [palette.primary, palette.secondary, mix(palette.primary, palette.background, 0.5)].map((color, i) => {
		const p = interpolate(frame, [i * 4, 26 + i * 4], [-1, 1], {...clamp, easing: Easing.inOut(Easing.cubic)});
		return {color, offset: sign * p * (width + height) * 0.9};
	});
	const draw = progress(frame, 12, 26);
	const land = spring({frame: frame - 22, fps, config: {damping: 11, stiffness: 120, mass: 0.8}});
	const burst = progress(frame, 36, 22);
	const orbit = frame / 18;
	const circumference = Math.PI * 0.94 * ring;

	const textWidth = shape === 'landscape' ? width * 0.46 : width * 0.84;
	const textBox: React.CSSProperties =
		shape === 'landscape'
			? {top: 0, bottom: 0, [rtl ? 'left' : 'right']: width * 0.05, width: textWidth, justifyContent: 'center', alignItems: rtl ? 'flex-end' : 'flex-start'}
			: {left: (width - textWidth) / 2, width: textWidth, top: center.y + ring * 0.62, alignItems: 'center'};
	const align = shape === 'landscape' ? 'start' : 'center';

	return (
		<AbsoluteFill style={{background: css(palette.background), overflow: 'hidden'}}>
			<SoundBed src={bed} />
			{/* Slow diagonal stripes behind everything. */}
			<div
				style={{
					position: 'absolute',
					inset: -unit * 0.2,
					opacity: 0.07,
					background: `repeating-linear-gradient(${rtl ? -60 : 60}deg, ${css(palette.primary)} 0 ${unit * 0.02}px, transparent ${unit * 0.02}px ${unit * 0.08}px)`,
					transform: `translateX(${frame * 0.5 * sign}px)`,
				}}
			/>
			<AbsoluteFill style={{opacity: fade}}>
				<div
					style={{
						position: 'absolute',
						left: center.x - ring,
						top: center.y - ring,
						width: ring * 2,
						height: ring * 2,
						background: `radial-gradient(circle, ${css(palette.primary, 0.28)} 0, transparent 60%)`,
						opacity: land,
					}}
				/>
				{/* The ring drawing itself, lines bursting out of it, a dot orbiting it. */}
				<svg width={width} height={height} style={{position: 'absolute', inset: 0}}>
					<circle
						cx={center.x}
						cy={center.y}
						r={ring * 0.47}
						fill="none"
						stroke={css(palette.primary)}
						strokeWidth={unit * 0.012}
						strokeDasharray={circumference}
						strokeDashoffset={circumference * (1 - draw)}
						strokeLinecap="round"
						transform={`rotate(${-90 + frame * 0.4} ${center.x} ${center.y})`}
					/>
					<circle
						cx={center.x}
						cy={center.y}
						r={ring * 0.53}
						fill="none"
						stroke={css(palette.secondary, 0.8)}
						strokeWidth={unit * 0.004}
						strokeDasharray={`${unit * 0.02} ${unit * 0.016}`}
						opacity={draw}
						transform={`rotate(${-frame * 0.6} ${center.x} ${center.y})`}
					/>
					{Array.from({length: 12}, (_, i) => {
						const a = (i / 12) * Math.PI * 2 + 0.2;
						const r0 = ring * (0.56 + burst * 0.12);
						const r1 = ring * (0.6 + burst * 0.32);
						return (
							<line
								key={i}
								x1={center.x + Math.cos(a) * r0}
								y1={center.y + Math.sin(a) * r0}
								x2={center.x + Math.cos(a) * r1}
								y2={center.y + Math.sin(a) * r1}
								stroke={css(i % 2 ? palette.secondary : palette.primary)}
								strokeWidth={unit * 0.008}
								strokeLinecap="round"
								opacity={burst > 0 && burst < 1 ? 1 - burst * 0.7 : burst >= 1 ? 0.3 : 0}
							/>
						);
					})}
					<circle
						cx={center.x + Math.cos(orbit) * ring * 0.47}
						cy={center.y + Math.sin(orbit) * ring * 0.47}
						r={unit * 0.012}
						fill={css(palette.secondary)}
						opacity={draw}
					/>
				</svg>
				{/* The logo turns and springs into the ring. */}
				<div
					style={{
						position: 'absolute',
						left: center.x - logoSize / 2,
						top: center.y - logoSize / 2,
						width: logoSize,
						height: logoSize,
						opacity: Math.min(1, land * 1.4),
						transform: `rotate(${(1 - land) * -150 * sign}deg) scale(${Math.max(0, land)})`,
						display: 'flex',
						alignItems: 'center',
						justifyContent: 'center',
					}}
				>
					{logo ? (
						<Img src={logo} style={{width: '100%', height: '100%', objectFit: 'contain'}} />
					) : (
						<Emblem size={logoSize} palette={palette} />
					)}
				</div>
				<div style={{position: 'absolute', display: 'flex', flexDirection: 'column', gap: unit * 0.02, ...textBox}}>
					<div style={slideIn(frame, fps, 44, unit * 0.12, rtl)}>
						<FittedText
							text={props.title}
							maxWidth={textWidth}
							maxFontSize={unit * (shape === 'portrait' ? 0.13 : shape === 'landscape' ? 0.11 : 0.1)}
							minFontSize={unit * 0.05}
							maxLines={2}
							align={align}
							color={css(palette.ink)}
							weight={900}
							delay={44}
							stagger={3}
							balance
						/>
					</div>
					<div
						style={{
							height: unit * 0.012,
							width: textWidth * 0.4,
							borderRadius: unit * 0.006,
							background: `linear-gradient(${rtl ? 270 : 90}deg, ${css(palette.primary)}, ${css(palette.secondary)})`,
							...wipe(frame, 52, rtl, 16),
						}}
					/>
					<div style={rise(frame, 60, unit * 0.04)}>
						<FittedText
							text={props.subtitle}
							maxWidth={textWidth}
							maxFontSize={unit * (shape === 'portrait' ? 0.06 : 0.05)}
							minFontSize={unit * 0.03}
							maxLines={2}
							align={align}
							color={css(mix(palette.ink, palette.secondary, 0.35))}
							weight={500}
							delay={60}
							stagger={2}
						/>
					</div>
				</div>
			</AbsoluteFill>
			{shape === 'portrait' ? (
				// The story's foot: the three band colours as stripes, wiped in once the name is in.
				<div style={{position: 'absolute', left: 0, right: 0, bottom: height * 0.06, display: 'flex', flexDirection: 'column', gap: unit * 0.014, opacity: fade}}>
					{bands.map((band, i) => (
						<div key={i} style={{height: unit * (0.026 - i * 0.006), width: `${72 - i * 16}%`, alignSelf: rtl ? 'flex-end' : 'flex-start', background: css(band.color), ...wipe(frame, 56 + i * 5, rtl, 18)}} />
					))}
				</div>
			) : null}
			{/* The sweeping bands, over everything while they cross. */}
			{bands.map((band, i) => (
				<div
					key={i}
					style={{
						position: 'absolute',
						top: -height,
						bottom: -height,
						left: width / 2 - unit * (0.18 - i * 0.04) + band.offset,
						width: unit * (0.36 - i * 0.08),
						background: css(band.color),
						transform: `rotate(${rtl ? -25 : 25}deg)`,
						opacity: Math.abs(band.offset) >= (width + height) * 0.9 ? 0 : 1,
					}}
				/>
			))}
		</AbsoluteFill>
	);
};
