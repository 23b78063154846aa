import React from 'react';
import {AbsoluteFill, interpolate, useCurrentFrame} from 'remotion';
import {
	css,
	FittedText,
	isRtl,
	type Palette,
	persianDigitsIn,
	progress,
	rise,
	shade,
	SoundBed,
	useScene,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/warm.wav';

export type EventInviteProps = {
	kicker: string;
	title: string;
	date: string;
	place: string;
	note?: string;
	primary: string;
	secondary: string;
	background: string;
};

/** A pointed Persian arch (w × h, its curve `spring` tall), as an SVG path: straight sides, two curves meeting at a point. */
const archPath = (w: number, h: number, spring: number): string => `M0,${h} L0,${spring} C0,${spring * 0.4} ${w * 0.32},${spring * 0.12} ${w / 2},0 C${w * 0.68},${spring * 0.12} ${w},${spring * 0.4} ${w},${spring} L${w},${h} Z`;

const Icon: React.FC<{kind: 'date' | 'place'; size: number; color: string}> = ({kind, size, color}) => (
	<svg viewBox="0 0 24 24" width={size} height={size} style={{flex: 'none'}}>
		{kind === 'date' ? (
			<>
				<rect x="3" y="5" width="18" height="16" rx="3" fill="none" stroke={color} strokeWidth="2" />
				<path d="M3 10h18M8 3v4M16 3v4" stroke={color} strokeWidth="2" strokeLinecap="round" />
			</>
		) : (
			<>
				<path d="M12 22s7-6.5 7-12a7 7 0 0 0-14 0c0 5.5 7 12 7 12z" fill="none" stroke={color} strokeWidth="2" />
				<circle cx="12" cy="10" r="2.6" fill={color} />
			</>
		)}
	</svg>
);

/** A detail line (date, place): its icon on the reading side, its digits Persian in a Persian text. */
const Detail: React.FC<{kind: 'date' | 'place'; text: string; width: number; fontSize: number; palette: Palette; delay: number}> = ({
	kind,
	text,
	width,
	fontSize,
	palette,
	delay,
}) => {
	const frame = useCurrentFrame();
	return (
		<div dir={isRtl(text) ? 'rtl' : 'ltr'} style={{display: 'flex', alignItems: 'center', gap: fontSize * 0.5, ...rise(frame, delay, fontSize * 0.5)}}>
			<Icon kind={kind} size={fontSize * 1.2} color={css(palette.secondary)} />
			<FittedText text={persianDigitsIn(text)} maxWidth={width - fontSize * 1.7} maxFontSize={fontSize} minFontSize={fontSize * 0.6} maxLines={2} color={css(palette.onPrimary)} weight={700} align="start" delay={delay} stagger={1} entrance={10} />
		</div>
	);
};

export const EventInvite: React.FC<EventInviteProps> = (props) => {
	const {frame, durationInFrames, shape, width, height, unit, palette, rtl, fade} = useScene(props, {primary: '#1a3a8f', secondary: '#d4af37', background: '#efe8da'}, 18);

	// The card: an arch in 9:16 and 1:1 (taller than wide), a wide panel under a shallow arch in 16:9.
	const cardW = shape === 'landscape' ? width * 0.84 : shape === 'square' ? width * 0.86 : width * 0.82;
	const cardH = shape === 'landscape' ? height * 0.84 : shape === 'square' ? height * 0.9 : height * 0.86;
	const archH = shape === 'landscape' ? cardH * 0.28 : cardW * (shape === 'square' ? 0.3 : 0.55);
	const rise0 = interpolate(progress(frame, 0, 35), [0, 1], [height * 0.6, 0]);
	const gild = progress(frame, 20, 40);
	const inner = unit * 0.025;
	const path = archPath(cardW, cardH, archH);
	const innerPath = archPath(cardW - inner * 2, cardH - inner * 2, archH - inner);
	const length = (cardW + cardH) * 2.2;
	const textWidth = shape === 'landscape' ? cardW * 0.42 : cardW * 0.8;
	const detailSize = unit * (shape === 'landscape' ? 0.04 : 0.042);
	const textColor = css(palette.onPrimary);

	const heading = (
		<div style={{display: 'flex', flexDirection: 'column', alignItems: 'center', gap: unit * 0.025}}>
			<FittedText text={props.kicker} maxWidth={textWidth} maxFontSize={unit * 0.045} minFontSize={unit * 0.03} maxLines={1} color={css(palette.secondary)} weight={500} delay={30} />
			<FittedText
				text={persianDigitsIn(props.title)}
				maxWidth={textWidth}
				maxFontSize={unit * (shape === 'portrait' ? 0.11 : shape === 'square' ? 0.08 : 0.095)}
				minFontSize={unit * 0.05}
				maxLines={shape === 'square' ? 2 : 3}
				color={textColor}
				weight={900}
				lineHeight={1.35}
				balance
				delay={40}
				stagger={4}
			/>
		</div>
	);
	const ornament = (
		<svg viewBox="0 0 120 12" width={unit * 0.3} height={unit * 0.03} style={{opacity: progress(frame, 50, 20)}}>
			<path d="M0 6 H48 M72 6 H120" stroke={css(palette.secondary)} strokeWidth="1.5" />
			<path d="M60 0 L66 6 L60 12 L54 6 Z" fill={css(palette.secondary)} />
		</svg>
	);
	const details = (
		<div style={{display: 'flex', flexDirection: 'column', alignItems: shape === 'landscape' ? 'stretch' : 'center', gap: unit * 0.03}}>
			<Detail kind="date" text={props.date} width={textWidth} fontSize={detailSize} palette={palette} delay={62} />
			<Detail kind="place" text={props.place} width={textWidth} fontSize={detailSize} palette={palette} delay={72} />
			{props.note ? (
				<div style={{marginTop: unit * 0.02}}>
					<FittedText text={persianDigitsIn(props.note)} maxWidth={textWidth} maxFontSize={unit * 0.032} minFontSize={unit * 0.022} maxLines={2} color={css(palette.onPrimary, 0.75)} weight={400} delay={70} stagger={1} entrance={10} />
				</div>
			) : null}
		</div>
	);

	return (
		<AbsoluteFill style={{background: css(palette.background), overflow: 'hidden'}}>
			<SoundBed src={bed} volume={0.7} />
			{/* A faint lattice of the gilding colour behind the card. */}
			<AbsoluteFill
				style={{
					backgroundImage: `repeating-linear-gradient(45deg, ${css(palette.secondary, 0.12)} 0 2px, transparent 2px ${unit * 0.05}px), repeating-linear-gradient(-45deg, ${css(palette.secondary, 0.12)} 0 2px, transparent 2px ${unit * 0.05}px)`,
				}}
			/>
			<AbsoluteFill style={{alignItems: 'center', justifyContent: 'center', opacity: fade}}>
				<div style={{position: 'relative', width: cardW, height: cardH, transform: `translateY(${rise0}px)`}}>
					<svg width={cardW} height={cardH} style={{position: 'absolute', inset: 0, overflow: 'visible'}}>
						<defs>
							<linearGradient id="card" x1="0" y1="0" x2="0" y2="1">
								<stop offset="0" stopColor={css(shade(palette.primary, 0.12))} />
								<stop offset="1" stopColor={css(shade(palette.primary, -0.25))} />
							</linearGradient>
						</defs>
						<path d={path} fill="url(#card)" style={{filter: `drop-shadow(0 ${unit * 0.02}px ${unit * 0.03}px ${css(shade(palette.primary, -0.6), 0.35)})`}} />
						<path
							d={innerPath}
							transform={`translate(${inner}, ${inner})`}
							fill="none"
							stroke={css(palette.secondary)}
							strokeWidth={unit * 0.004}
							strokeDasharray={length}
							strokeDashoffset={length * (1 - gild)}
						/>
					</svg>
					<div
						style={{
							position: 'absolute',
							inset: 0,
							top: shape === 'landscape' ? archH * 0.55 : archH * (shape === 'square' ? 0.5 : 0.45),
							display: 'flex',
							flexDirection: shape === 'landscape' ? (rtl ? 'row-reverse' : 'row') : 'column',
							alignItems: 'center',
							justifyContent: 'space-evenly',
							padding: unit * 0.04,
						}}
					>
						{shape === 'landscape' ? (
							<>
								{heading}
								<div style={{width: unit * 0.004, alignSelf: 'stretch', margin: `${unit * 0.06}px 0`, background: css(palette.secondary, 0.6), opacity: gild}} />
								{details}
							</>
						) : (
							<>
								{heading}
								{shape === 'portrait' ? ornament : null}
								{details}
							</>
						)}
					</div>
				</div>
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
