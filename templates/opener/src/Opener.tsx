import React from 'react';
import {AbsoluteFill, interpolate, random} from 'remotion';
import {
	css,
	FittedText,
	mix,
	progress,
	rise,
	shade,
	SoundBed,
	useScene,
	wipe,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/cinematic.wav';

export type OpenerProps = {
	kicker: string;
	title: string;
	subtitle: string;
	primary: string;
	secondary: string;
	background: string;
};

const BEAMS = 16;

export const Opener: React.FC<OpenerProps> = (props) => {
	const {frame, durationInFrames, shape, width, height, unit, palette, rtl, fade} = useScene(props, {primary: '#ff8f00', secondary: '#ff3d00', background: '#0c0c16'}, 15);
	const zoom = interpolate(frame, [0, durationInFrames], [1.08, 1]);

	// Beams of light cross the frame in the reading direction: flat in 16:9, diagonal in 1:1,
	// nearly upright in 9:16, where the frame is tall.
	const angle = shape === 'landscape' ? -12 : shape === 'square' ? -40 : -72;
	const span = Math.hypot(width, height);
	const beams = Array.from({length: BEAMS}, (_, i) => {
		const speed = 0.5 + random(`speed${i}`) * 0.8;
		const travel = ((frame * speed * span) / 90 + random(`start${i}`) * span * 1.5) % (span * 1.5);
		return {
			offset: (random(`lane${i}`) - 0.5) * span * 0.9,
			along: (rtl ? -1 : 1) * (travel - span * 0.75),
			thickness: unit * (0.006 + random(`thick${i}`) * 0.03),
			length: span * (0.25 + random(`len${i}`) * 0.35),
			color: i % 3 === 2 ? palette.secondary : palette.primary,
			opacity: 0.35 + random(`op${i}`) * 0.55,
		};
	});

	const open = progress(frame, 0, 40);
	const glow = `radial-gradient(ellipse ${shape === 'portrait' ? '90% 45%' : '60% 55%'} at 50% 50%, ${css(palette.primary, 0.45 * open)}, ${css(mix(palette.primary, palette.background, 0.6), 0.25 * open)} 45%, transparent 75%)`;
	const textWidth = shape === 'landscape' ? width * 0.66 : width * 0.82;
	const titleMax = unit * (shape === 'landscape' ? 0.15 : shape === 'square' ? 0.14 : 0.16);
	const light = palette.ink[0] > 128;
	const titleColor = light ? [255, 255, 255] : shade(palette.primary, -0.55);

	// Corner brackets that close in on the title: a frame drawn in light.
	const bracket = (corner: number): React.CSSProperties => {
		const size = unit * 0.07;
		const edge = unit * 0.006;
		const inward = (1 - progress(frame, 30, 25)) * unit * 0.08;
		const [top, left] = [corner < 2, corner % 2 === 0];
		return {
			position: 'absolute',
			width: size,
			height: size,
			[top ? 'top' : 'bottom']: -inward,
			[left ? 'left' : 'right']: -inward,
			borderColor: css(palette.primary),
			borderStyle: 'solid',
			borderWidth: `${top ? edge : 0}px ${left ? 0 : edge}px ${top ? 0 : edge}px ${left ? edge : 0}px`,
			opacity: progress(frame, 30, 15),
		};
	};

	const kicker = (
		<FittedText
			text={props.kicker}
			maxWidth={textWidth}
			maxFontSize={unit * 0.045}
			minFontSize={unit * 0.028}
			maxLines={1}
			color={css(palette.ink, 0.8)}
			weight={500}
			delay={8}
			stagger={3}
		/>
	);
	const title = (
		<div style={{position: 'relative', padding: `${unit * 0.035}px ${unit * 0.05}px`}}>
			{[0, 1, 2, 3].map((c) => (
				<div key={c} style={bracket(c)} />
			))}
			<div style={wipe(frame, 24, rtl, 26)}>
				<FittedText
					text={props.title}
					maxWidth={textWidth - unit * 0.1}
					maxFontSize={titleMax}
					minFontSize={unit * 0.06}
					maxLines={shape === 'portrait' ? 3 : 2}
					color={css(titleColor)}
					weight={900}
					lineHeight={1.3}
					balance
					delay={24}
					stagger={4}
					style={{textShadow: `0 0 ${unit * 0.04}px ${css(palette.primary, 0.55)}`}}
				/>
			</div>
		</div>
	);
	const subtitle = (
		<FittedText
			text={props.subtitle}
			maxWidth={textWidth}
			maxFontSize={unit * 0.05}
			minFontSize={unit * 0.03}
			maxLines={2}
			color={css(mix(palette.ink, palette.primary, 0.35))}
			weight={700}
			delay={56}
			stagger={3}
			entrance={20}
		/>
	);
	const rule = (
		<div
			style={{
				width: unit * 0.22,
				height: unit * 0.008,
				borderRadius: unit,
				background: `linear-gradient(90deg, ${css(palette.secondary)}, ${css(palette.primary)})`,
				...wipe(frame, 48, rtl, 18),
			}}
		/>
	);

	return (
		<AbsoluteFill style={{background: css(palette.background), overflow: 'hidden'}}>
			<SoundBed src={bed} />
			<AbsoluteFill style={{transform: `scale(${zoom})`}}>
				<AbsoluteFill style={{backgroundImage: glow}} />
				<AbsoluteFill style={{transform: `rotate(${angle}deg)`, opacity: fade}}>
					{beams.map((b, i) => (
						<div
							key={i}
							style={{
								position: 'absolute',
								left: width / 2 + b.along - b.length / 2,
								top: height / 2 + b.offset,
								width: b.length,
								height: b.thickness,
								borderRadius: b.thickness,
								opacity: b.opacity,
								background: `linear-gradient(90deg, transparent, ${css(b.color)} 45%, ${css(shade(b.color, 0.6))} 50%, ${css(b.color)} 55%, transparent)`,
								boxShadow: `0 0 ${unit * 0.03}px ${css(b.color, 0.6)}`,
							}}
						/>
					))}
				</AbsoluteFill>
				{/* Letterbox bars open like a curtain at the start. */}
				{[0, 1].map((side) => (
					<div
						key={side}
						style={{
							position: 'absolute',
							left: 0,
							right: 0,
							[side === 0 ? 'top' : 'bottom']: 0,
							height: (height / 2) * (1 - open) + (shape === 'landscape' ? height * 0.07 : 0),
							background: css(shade(palette.background, -0.5)),
						}}
					/>
				))}
			</AbsoluteFill>
			<AbsoluteFill style={{opacity: fade}}>
				{shape === 'portrait' ? (
					// Tall: the kicker high, the title in the middle, the subtitle low, the beams between.
					<AbsoluteFill style={{flexDirection: 'column', alignItems: 'center', justifyContent: 'space-between', padding: `${height * 0.2}px 0 ${height * 0.22}px`}}>
						{kicker}
						{title}
						<div style={{display: 'flex', flexDirection: 'column', alignItems: 'center', gap: unit * 0.04}}>
							{rule}
							{subtitle}
						</div>
					</AbsoluteFill>
				) : (
					<AbsoluteFill
						style={{
							flexDirection: 'column',
							alignItems: 'center',
							justifyContent: 'center',
							gap: unit * (shape === 'square' ? 0.045 : 0.03),
							paddingTop: shape === 'square' ? unit * 0.04 : 0,
						}}
					>
						{kicker}
						{title}
						{rule}
						{subtitle}
					</AbsoluteFill>
				)}
			</AbsoluteFill>
			<AbsoluteFill style={{...rise(frame, 0, 0), boxShadow: `inset 0 0 ${unit * 0.25}px ${css(shade(palette.background, -0.7), 0.9)}`}} />
		</AbsoluteFill>
	);
};
