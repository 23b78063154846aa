import React from 'react';
import {AbsoluteFill, useCurrentFrame, useVideoConfig} from 'remotion';
import {
	css,
	FittedText,
	type Palette,
	persianDigitsIn,
	Pill,
	pop,
	progress,
	rise,
	RollingNumber,
	rollValue,
	shade,
	SoundBed,
	useScene,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/bright.wav';

export type CountdownProps = {
	title: string;
	count: number;
	unit: string;
	subtitle: string;
	cta?: string;
	primary: string;
	secondary: string;
	background: string;
};

/** How far above the count the roll starts: it runs down through these numbers to the count. */
const RUN = 12;
const ROLL_FROM = 6;
const ROLL_FRAMES = 54;

/** A clock face of 60 ticks, a ring that empties as the number rolls down, the number inside. */
const Dial: React.FC<{size: number; count: number; label: string; persian: boolean; palette: Palette}> = ({size, count, label, persian, palette}) => {
	const frame = useCurrentFrame();
	const {fps} = useVideoConfig();
	const value = rollValue(frame, count + RUN, count, ROLL_FROM, ROLL_FRAMES);
	// The ring: full at the start, down to the count's share of where it began.
	const share = value / (count + RUN);
	const r = 44;
	const circumference = 2 * Math.PI * r;
	const hand = frame * 6;
	const digits = String(Math.max(count, count + RUN)).length;
	const fontSize = size * (digits >= 3 ? 0.3 : 0.42);
	return (
		<div style={{position: 'relative', width: size, height: size, ...pop(frame, fps, 0, 0.5)}}>
			<svg viewBox="0 0 100 100" width={size} height={size} style={{position: 'absolute', inset: 0}}>
				<circle cx="50" cy="50" r="49" fill={css(shade(palette.background, palette.ink[0] > 128 ? 0.06 : -0.04))} />
				{Array.from({length: 60}, (_, i) => {
					const a = (i / 60) * Math.PI * 2;
					const long = i % 5 === 0;
					const lit = Math.abs(((hand / 6 - i) % 60 + 60) % 60) < 8;
					return (
						<line
							key={i}
							x1={50 + Math.sin(a) * 37}
							y1={50 - Math.cos(a) * 37}
							x2={50 + Math.sin(a) * (long ? 32 : 34.5)}
							y2={50 - Math.cos(a) * (long ? 32 : 34.5)}
							stroke={css(lit ? palette.secondary : palette.ink, lit ? 1 : 0.3)}
							strokeWidth={long ? 1.2 : 0.6}
							strokeLinecap="round"
						/>
					);
				})}
				<circle cx="50" cy="50" r={r} fill="none" stroke={css(palette.primary, 0.18)} strokeWidth="4" />
				<circle
					cx="50"
					cy="50"
					r={r}
					fill="none"
					stroke={css(palette.primary)}
					strokeWidth="4.5"
					strokeLinecap="round"
					strokeDasharray={`${circumference * share} ${circumference}`}
					transform={`rotate(-90 50 50) ${persian ? 'scale(1 -1) translate(0 -100)' : ''}`}
				/>
			</svg>
			<div style={{position: 'absolute', inset: 0, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center'}}>
				<RollingNumber value={count} from={count + RUN} delay={ROLL_FROM} duration={ROLL_FRAMES} persian={persian} fontSize={fontSize} color={css(palette.secondary)} />
				<FittedText text={label} maxWidth={size * 0.5} maxFontSize={size * 0.08} minFontSize={size * 0.05} maxLines={1} color={css(palette.ink, 0.8)} weight={700} delay={20} />
			</div>
		</div>
	);
};

export const Countdown: React.FC<CountdownProps> = (props) => {
	const {frame, durationInFrames, shape, width, height, unit, palette, rtl, fade} = useScene(props, {primary: '#e53935', secondary: '#ffd180', background: '#1a0f14'});
	const count = Math.max(0, Math.min(999, Math.round(Number(props.count) || 0)));
	// When the roll lands, the ring flashes once.
	const landed = progress(frame, ROLL_FROM + ROLL_FRAMES - 6, 20);
	const flash = landed > 0 && landed < 1 ? Math.sin(landed * Math.PI) : 0;

	const dialSize = unit * (shape === 'landscape' ? 0.7 : shape === 'square' ? 0.46 : 0.8);
	const textWidth = shape === 'landscape' ? width * 0.44 : width * 0.84;
	const align = shape === 'landscape' ? 'start' : 'center';
	const title = (
		<FittedText
			text={props.title}
			maxWidth={textWidth}
			maxFontSize={unit * (shape === 'portrait' ? 0.12 : shape === 'square' ? 0.08 : 0.11)}
			minFontSize={unit * 0.05}
			maxLines={2}
			color={css(palette.ink)}
			weight={900}
			align={align}
			balance
			delay={8}
			stagger={4}
		/>
	);
	const subtitle = (
		<FittedText
			text={persianDigitsIn(props.subtitle)}
			maxWidth={textWidth}
			maxFontSize={unit * 0.045}
			minFontSize={unit * 0.03}
			maxLines={2}
			color={css(palette.ink, 0.75)}
			weight={500}
			align={align}
			delay={40}
			stagger={2}
			entrance={24}
		/>
	);
	const cta = props.cta ? (
		<div style={rise(frame, 70, unit * 0.03)}>
			<Pill text={props.cta} color={palette.primary} fontSize={unit * 0.042} />
		</div>
	) : null;
	const dial = <Dial size={dialSize} count={count} label={props.unit} persian={rtl} palette={palette} />;
	const glow = `radial-gradient(circle at ${shape === 'landscape' ? (rtl ? '30%' : '70%') : '50%'} ${shape === 'portrait' ? '45%' : shape === 'square' ? '38%' : '50%'}, ${css(palette.primary, 0.35 + flash * 0.3)}, transparent ${unit * 0.5}px)`;

	return (
		<AbsoluteFill style={{background: `${glow}, ${css(palette.background)}`, overflow: 'hidden'}}>
			<SoundBed src={bed} />
			<AbsoluteFill style={{opacity: fade}}>
				{shape === 'landscape' ? (
					<AbsoluteFill style={{flexDirection: rtl ? 'row-reverse' : 'row', alignItems: 'center', justifyContent: 'space-evenly'}}>
						<div dir={rtl ? 'rtl' : 'ltr'} style={{display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: unit * 0.04}}>
							{title}
							{subtitle}
							{cta}
						</div>
						{dial}
					</AbsoluteFill>
				) : (
					<AbsoluteFill style={{flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: unit * (shape === 'square' ? 0.03 : 0.07)}}>
						{title}
						{dial}
						{subtitle}
						{cta}
					</AbsoluteFill>
				)}
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
