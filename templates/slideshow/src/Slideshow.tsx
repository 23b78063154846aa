import React from 'react';
import {AbsoluteFill, Img, interpolate} from 'remotion';
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
import bed from '@flatrender/template-kit/audio/warm.wav';

export type SlideshowProps = {
	image1?: string;
	image2?: string;
	image3?: string;
	image4?: string;
	title: string;
	subtitle: string;
	primary: string;
	secondary: string;
	background: string;
};

/** The scene drawn in place of a photo not given: sky, sun and hills in the palette's tints. */
const Drawn: React.FC<{index: number; palette: Palette}> = ({index, palette}) => {
	const skies = [palette.secondary, palette.primary, mix(palette.primary, palette.secondary, 0.5), shade(palette.primary, 0.4)];
	const sky = skies[index % skies.length];
	const land = shade(mix([70, 150, 90], palette.primary, 0.2), -0.1 * (index % 3));
	return (
		<svg viewBox="0 0 160 100" preserveAspectRatio="xMidYMid slice" width="100%" height="100%">
			<defs>
				<linearGradient id={`sky${index}`} x1="0" y1="0" x2="0" y2="1">
					<stop offset="0" stopColor={css(shade(sky, 0.35))} />
					<stop offset="1" stopColor={css(shade(sky, 0.75))} />
				</linearGradient>
			</defs>
			<rect width="160" height="100" fill={`url(#sky${index})`} />
			<circle cx={30 + index * 30} cy={28 + (index % 2) * 8} r="11" fill={css(shade(palette.secondary, 0.3))} />
			<path d={`M0,${62 + index * 2} Q40,${44 + index * 3} 80,60 T160,${54 - index} L160,100 L0,100 Z`} fill={css(shade(land, 0.3))} />
			<path d={`M0,78 Q50,${64 + index * 2} 100,76 T160,72 L160,100 L0,100 Z`} fill={css(land)} />
		</svg>
	);
};

export const Slideshow: React.FC<SlideshowProps> = (props) => {
	const {frame, fps, durationInFrames, shape, width, height, unit, palette, rtl, fade} = useScene(props, {
		primary: '#f4511e',
		secondary: '#ffd54f',
		background: '#101418',
	});
	const images = [props.image1, props.image2, props.image3, props.image4];
	const slides = images.length;
	const each = durationInFrames / slides;
	const cross = 14;

	// The photo window: the whole frame in 16:9, a framed print in 1:1, the upper part in 9:16.
	const window: React.CSSProperties =
		shape === 'landscape'
			? {left: 0, top: 0, width, height}
			: shape === 'square'
				? {left: unit * 0.07, top: unit * 0.07, width: width - unit * 0.14, height: height * 0.64}
				: {left: 0, top: 0, width, height: height * 0.64};
	const slide = (i: number) => {
		const start = i * each;
		const local = frame - start;
		if (local < -cross || local > each + cross) {
			return null;
		}
		// Each photo zooms slowly, alternately in and out, and is wiped in over the one before it.
		const zoom = interpolate(local, [-cross, each + cross], i % 2 === 0 ? [1.02, 1.14] : [1.14, 1.02]);
		const url = imageUrl(images[i]);
		return (
			<AbsoluteFill key={i} style={i === 0 ? {} : wipe(frame, start - cross, rtl, cross * 2)}>
				<AbsoluteFill style={{transform: `scale(${zoom})`}}>
					{url ? <Img src={url} style={{width: '100%', height: '100%', objectFit: 'cover'}} /> : <Drawn index={i} palette={palette} />}
				</AbsoluteFill>
			</AbsoluteFill>
		);
	};
	const current = Math.min(slides - 1, Math.floor(frame / each));
	// Text on the primary colour: the band in 16:9, the panel under the print in 1:1.
	const onBand = shape !== 'portrait';
	const dots = (
		<div dir={rtl ? 'rtl' : 'ltr'} style={{display: 'flex', gap: unit * 0.015}}>
			{images.map((_, i) => (
				<div
					key={i}
					style={{
						width: i === current ? unit * 0.05 : unit * 0.016,
						height: unit * 0.016,
						borderRadius: unit,
						background: css(i === current ? palette.secondary : onBand ? palette.onPrimary : palette.ink, i === current ? 1 : 0.4),
					}}
				/>
			))}
		</div>
	);
	const textWidth = shape === 'landscape' ? width * 0.5 : width * 0.84;
	const band = (
		<div
			style={{
				display: 'flex',
				flexDirection: 'column',
				alignItems: 'center',
				gap: unit * 0.02,
				padding: `${unit * 0.035}px ${unit * 0.05}px`,
				borderRadius: shape === 'landscape' ? unit * 0.03 : 0,
				background: shape === 'landscape' ? css(palette.primary, 0.92) : 'transparent',
				...slideIn(frame, fps, 10, unit * 0.3, rtl),
			}}
		>
			<FittedText
				text={props.title}
				maxWidth={textWidth}
				maxFontSize={unit * (shape === 'portrait' ? 0.12 : 0.1)}
				minFontSize={unit * 0.05}
				maxLines={2}
				color={css(onBand ? palette.onPrimary : palette.ink)}
				weight={900}
				balance
				delay={16}
				stagger={4}
			/>
			<FittedText
				text={props.subtitle}
				maxWidth={textWidth}
				maxFontSize={unit * 0.045}
				minFontSize={unit * 0.03}
				maxLines={2}
				color={css(onBand ? palette.onPrimary : palette.ink, 0.85)}
				weight={500}
				balance
				delay={28}
				stagger={2}
				entrance={20}
			/>
		</div>
	);

	return (
		<AbsoluteFill style={{background: shape === 'square' ? css(palette.primary) : css(palette.background), overflow: 'hidden'}}>
			<SoundBed src={bed} volume={0.7} />
			<AbsoluteFill style={{opacity: fade}}>
				<div
					style={{
						position: 'absolute',
						...window,
						overflow: 'hidden',
						borderRadius: shape === 'square' ? unit * 0.02 : 0,
						boxShadow: shape === 'square' ? `0 0 0 ${unit * 0.012}px ${css(palette.secondary)}` : undefined,
						opacity: progress(frame, 0, 12),
					}}
				>
					{images.map((_, i) => slide(i))}
					{shape === 'landscape' ? (
						<AbsoluteFill style={{background: `linear-gradient(transparent 55%, ${css(shade(palette.background, -0.3), 0.6)})`}} />
					) : null}
				</div>
				{shape === 'landscape' ? (
					<div style={{position: 'absolute', bottom: height * 0.08, [rtl ? 'right' : 'left']: width * 0.05, display: 'flex', flexDirection: 'column', alignItems: rtl ? 'flex-end' : 'flex-start', gap: unit * 0.03}}>
						{band}
						{dots}
					</div>
				) : (
					<div
						style={{
							position: 'absolute',
							top: (window.top as number) + (window.height as number),
							bottom: 0,
							left: 0,
							right: 0,
							display: 'flex',
							flexDirection: 'column',
							alignItems: 'center',
							justifyContent: 'center',
							gap: unit * 0.02,
							borderTop: shape === 'portrait' ? `${unit * 0.014}px solid ${css(palette.primary)}` : undefined,
							background: shape === 'portrait' ? `linear-gradient(${css(mix(palette.background, palette.primary, 0.25))}, ${css(palette.background)})` : undefined,
						}}
					>
						{band}
						<div style={rise(frame, 30, 0)}>{dots}</div>
					</div>
				)}
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
