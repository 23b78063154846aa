import React from 'react';
import {AbsoluteFill, random, useCurrentFrame, useVideoConfig} from 'remotion';
import {
	css,
	FittedText,
	fitText,
	FONT_FAMILY,
	isRtl,
	makePalette,
	mix,
	outro,
	pop,
	rise,
	shade,
	SoundBed,
	toPersianDigits,
	useShape,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/warm.wav';
import {Blossom, FishBowl, Sabzeh, Swallow} from './Characters';

export type NowruzGreetingProps = {
	title: string;
	subtitle: string;
	sender: string;
	year: number;
	primary: string;
	secondary: string;
	background: string;
};

const PETALS = 26;

export const NowruzGreeting: React.FC<NowruzGreetingProps> = (props) => {
	const frame = useCurrentFrame();
	const {fps, durationInFrames} = useVideoConfig();
	const {shape, width, height, unit} = useShape();
	const palette = makePalette(props, {primary: '#43a047', secondary: '#f06292', background: '#fff4e0'});
	const rtl = isRtl(props.title);
	const fade = outro(frame, durationInFrames);
	const year = rtl ? toPersianDigits(props.year) : String(props.year);

	// Petals drift down across the whole frame, each on its own path.
	const petals = Array.from({length: PETALS}, (_, i) => {
		const fall = (frame * (1.2 + random(`v${i}`)) + random(`y${i}`) * height * 1.2) % (height * 1.2);
		return {
			x: random(`x${i}`) * width + Math.sin(frame / 20 + i) * unit * 0.03,
			y: fall - height * 0.1,
			size: unit * (0.025 + random(`s${i}`) * 0.025),
			turn: frame * (2 + random(`r${i}`) * 3) + i * 40,
		};
	});

	// Characters: where they stand per layout.
	const ground = shape === 'landscape' ? height * 0.9 : shape === 'square' ? height * 0.93 : height * 0.9;
	const groupX = shape === 'landscape' ? (rtl ? width * 0.27 : width * 0.73) : width / 2;
	const textWidth = shape === 'landscape' ? width * 0.46 : width * 0.84;
	const titleMax = unit * (shape === 'portrait' ? 0.17 : 0.14);
	const subtitleMax = unit * 0.05;
	// Above the characters (square, portrait), the text may take two title lines and three of the
	// wish: measure it as FittedText will draw it, and shrink the characters to the room left, so
	// a long greeting never runs under the sabzeh.
	const title = fitText(props.title, {maxWidth: textWidth, maxFontSize: titleMax, minFontSize: unit * 0.06, maxLines: 2, weight: 900});
	const wish = fitText(props.subtitle, {maxWidth: textWidth * 0.92, maxFontSize: subtitleMax, minFontSize: unit * 0.032, maxLines: 3, weight: 500});
	const textTop = shape === 'square' ? height * 0.08 : height * 0.2;
	const textBottom =
		textTop +
		unit * 0.045 * 1.4 +
		title.lines.length * title.fontSize * 1.35 +
		wish.lines.length * wish.fontSize * 1.35 +
		unit * 0.035 * 1.4 +
		unit * 0.025 * 3;
	const room = shape === 'landscape' ? Infinity : (ground - textBottom - unit * 0.02) / 1.2;
	const sabzehSize = Math.min(shape === 'portrait' ? width * 0.42 : unit * 0.3, room);
	const bowlSize = Math.min(shape === 'portrait' ? width * 0.44 : unit * 0.32, room * 1.05);
	const textArea: React.CSSProperties =
		shape === 'landscape'
			? {top: 0, bottom: 0, [rtl ? 'right' : 'left']: width * 0.05, width: textWidth, justifyContent: 'center'}
			: {top: textTop, left: (width - textWidth) / 2, width: textWidth};

	const sky = palette.background;
	const dark = palette.ink[0] > 128; // a night sky: light text, brighter blossoms
	const sun = `radial-gradient(circle at ${shape === 'landscape' ? (rtl ? '80%' : '20%') : '50%'} 12%, ${css(mix(sky, [255, 213, 79], dark ? 0.25 : 0.6), 0.9)} 0, transparent ${unit * 0.5}px)`;

	return (
		<AbsoluteFill style={{background: `${sun}, linear-gradient(${css(sky)}, ${css(shade(sky, dark ? 0.1 : -0.06))})`, overflow: 'hidden'}}>
			<SoundBed src={bed} />
			{/* Hills in the greens of the palette. */}
			<svg viewBox="0 0 100 30" preserveAspectRatio="none" width={width} height={height * 0.3} style={{position: 'absolute', bottom: 0}}>
				<path d="M0,14 Q25,4 50,12 T100,10 L100,30 L0,30 Z" fill={css(shade(palette.primary, 0.45))} />
				<path d="M0,20 Q30,12 60,19 T100,17 L100,30 L0,30 Z" fill={css(shade(palette.primary, 0.15))} />
			</svg>
			<AbsoluteFill style={{opacity: fade}}>
				{[0, 1, 2].map((i) => {
					const t = (frame + i * 40) / durationInFrames;
					return (
						<div
							key={i}
							style={{
								position: 'absolute',
								left: (rtl ? 1 - t : t) * width * 1.3 - width * 0.15,
								top: height * (0.08 + i * 0.07) + Math.sin(frame / 10 + i) * unit * 0.02,
								transform: `scaleX(${rtl ? -1 : 1})`,
							}}
						>
							<Swallow frame={frame} size={unit * (0.09 - i * 0.015)} phase={i * 2} />
						</div>
					);
				})}
				{/* Petals fall behind the words, so the greeting always reads clean. */}
				{petals.map((p, i) => (
					<div key={i} style={{position: 'absolute', left: p.x, top: p.y}}>
						<Blossom size={p.size} color={palette.secondary} turn={p.turn} />
					</div>
				))}
				<div style={{position: 'absolute', display: 'flex', flexDirection: 'column', alignItems: 'center', gap: unit * 0.025, ...textArea}}>
					<div
						style={{
							fontFamily: FONT_FAMILY,
							fontWeight: 700,
							fontSize: unit * 0.045,
							color: css(palette.secondary),
							...pop(frame, fps, 4, 0.5),
						}}
					>
						{year}
					</div>
					<FittedText
						text={props.title}
						maxWidth={textWidth}
						maxFontSize={titleMax}
						minFontSize={unit * 0.06}
						maxLines={2}
						color={css(dark ? [255, 255, 255] : shade(palette.primary, -0.45))}
						weight={900}
						delay={10}
						stagger={6}
					/>
					<FittedText
						text={props.subtitle}
						maxWidth={textWidth * 0.92}
						maxFontSize={subtitleMax}
						minFontSize={unit * 0.032}
						maxLines={3}
						color={css(palette.ink, 0.8)}
						weight={500}
						delay={30}
						stagger={2}
					/>
					<div dir="auto" style={{fontFamily: FONT_FAMILY, fontWeight: 700, fontSize: unit * 0.035, color: css(palette.secondary), ...rise(frame, 60, unit * 0.02)}}>
						{props.sender}
					</div>
				</div>
				<div style={{position: 'absolute', left: groupX - sabzehSize * 1.05, top: ground - sabzehSize * 1.2, ...pop(frame, fps, 18, 0.3)}}>
					<Sabzeh frame={frame} size={sabzehSize} green={palette.primary} />
				</div>
				<div style={{position: 'absolute', left: groupX + sabzehSize * 0.05, top: ground - bowlSize * 0.96, ...pop(frame, fps, 26, 0.3)}}>
					<FishBowl frame={frame} size={bowlSize} water={palette.primary} />
				</div>
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
