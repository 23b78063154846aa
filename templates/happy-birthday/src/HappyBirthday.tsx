import React from 'react';
import {AbsoluteFill, interpolate, random, useCurrentFrame} from 'remotion';
import {
	Confetti,
	contrast,
	css,
	FittedText,
	mix,
	type Palette,
	pop,
	type Rgb,
	RollingNumber,
	shade,
	SoundBed,
	useScene,
} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/bright.wav';

export type HappyBirthdayProps = {
	title: string;
	name: string;
	age: number;
	message: string;
	primary: string;
	secondary: string;
	background: string;
};

/** A balloon on its string, with a highlight; it bobs and sways. */
const Balloon: React.FC<{size: number; color: Rgb; sway: number}> = ({size, color, sway}) => (
	<svg viewBox="0 0 60 130" width={size} height={size * (130 / 60)} style={{transform: `rotate(${sway}deg)`, transformOrigin: '50% 100%'}}>
		<path d="M30 72 Q26 95 33 110 T30 130" stroke={css(shade(color, -0.3))} strokeWidth="1.2" fill="none" />
		<ellipse cx="30" cy="36" rx="26" ry="32" fill={css(color)} />
		<ellipse cx="20" cy="24" rx="6" ry="10" fill="white" opacity="0.35" transform="rotate(-20 20 24)" />
		<path d="M26 67 L34 67 L30 73 Z" fill={css(shade(color, -0.2))} />
	</svg>
);

/** A cake with candles whose flames flicker. */
const Cake: React.FC<{size: number; palette: Palette}> = ({size, palette}) => {
	const frame = useCurrentFrame();
	const icing = css(shade(palette.secondary, 0.5));
	return (
		<svg viewBox="0 0 100 80" width={size} height={size * 0.8}>
			{[30, 50, 70].map((x, i) => {
				const flicker = 1 + Math.sin(frame / 2 + i * 2) * 0.12;
				return (
					<g key={x}>
						<rect x={x - 2.5} y="14" width="5" height="18" rx="1.5" fill={css(i === 1 ? palette.secondary : shade(palette.primary, 0.3))} />
						<ellipse cx={x} cy={10} rx={2.8 * flicker} ry={5 * flicker} fill="#ffb300" />
						<ellipse cx={x} cy={11} rx="1.3" ry="2.6" fill="#fff8e1" />
					</g>
				);
			})}
			<rect x="12" y="32" width="76" height="22" rx="4" fill={css(palette.primary)} />
			<path d="M12 38 Q18 46 24 38 T36 38 T48 38 T60 38 T72 38 T88 38 L88 34 Q88 32 86 32 L14 32 Q12 32 12 34 Z" fill={icing} />
			<rect x="6" y="54" width="88" height="20" rx="4" fill={css(shade(palette.primary, -0.25))} />
			<path d="M6 60 Q13 67 20 60 T34 60 T48 60 T62 60 T76 60 T94 60 L94 57 Q94 54 91 54 L9 54 Q6 54 6 57 Z" fill={icing} />
			<rect x="0" y="74" width="100" height="5" rx="2.5" fill={css(mix(palette.secondary, palette.background, 0.4))} />
		</svg>
	);
};

export const HappyBirthday: React.FC<HappyBirthdayProps> = (props) => {
	const {frame, fps, durationInFrames, shape, width, height, unit, palette, rtl, fade} = useScene(props, {primary: '#ec407a', secondary: '#ffca28', background: '#2b1740'});
	const colors = [palette.primary, palette.secondary, mix(palette.primary, palette.secondary, 0.5), shade(palette.primary, 0.5)];

	// Balloons rise from below the frame into a cluster on the side the text does not take (16:9),
	// or along the top (1:1, 9:16), and keep bobbing there.
	const count = shape === 'landscape' ? 7 : 8;
	const balloons = Array.from({length: count}, (_, i) => {
		const across =
			shape === 'landscape'
				? (rtl ? 0.04 : 0.6) + random(`bx${i}`) * 0.34
				: shape === 'square'
					? (i % 2 === 0 ? 0 : 0.84) + random(`bx${i}`) * 0.08
					: 0.02 + (i / (count - 1)) * 0.86 + (random(`bx${i}`) - 0.5) * 0.06;
		const rest =
			shape === 'landscape' ? 0.08 + random(`by${i}`) * 0.3 : shape === 'square' ? 0.02 + (i / count) * 0.5 : random(`by${i}`) * 0.12;
		const rising = interpolate(frame, [i * 4, 40 + i * 4], [1.1, rest], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'});
		return {
			x: across * width,
			y: rising * height + Math.sin(frame / 14 + i) * unit * 0.012,
			size: unit * (shape === 'landscape' ? 0.13 : 0.12) * (0.8 + random(`bs${i}`) * 0.4),
			color: colors[i % 3],
			sway: Math.sin(frame / 18 + i * 1.7) * 5,
		};
	});
	const persian = rtl;
	const showAge = props.age > 0;
	const textWidth = shape === 'landscape' ? width * 0.5 : shape === 'square' ? width * 0.66 : width * 0.84;
	const ageSize = unit * (shape === 'portrait' ? 0.26 : shape === 'square' ? 0.12 : 0.22);

	const age = showAge ? (
		<div style={{position: 'relative', display: 'flex', flexDirection: 'column', alignItems: 'center', ...pop(frame, fps, 36, 0.5)}}>
			<RollingNumber value={props.age} from={0} delay={40} duration={40} persian={persian} fontSize={ageSize} color={css(palette.secondary)} />
			<div style={{marginTop: -ageSize * 0.15}}>
				<Cake size={ageSize * 1.6} palette={palette} />
			</div>
		</div>
	) : (
		<Cake size={unit * 0.3} palette={palette} />
	);
	const texts = (
		<div style={{display: 'flex', flexDirection: 'column', alignItems: 'center', gap: unit * 0.02}}>
			<FittedText
				text={props.title}
				maxWidth={textWidth}
				maxFontSize={unit * (shape === 'portrait' ? 0.16 : shape === 'square' ? 0.12 : 0.13)}
				minFontSize={unit * 0.06}
				maxLines={shape === 'square' ? 1 : 2}
				color={css(palette.ink)}
				weight={900}
				balance
				delay={14}
				stagger={5}
				style={{textShadow: `0 ${unit * 0.006}px 0 ${css(palette.primary)}`}}
			/>
			<FittedText
				text={props.name}
				maxWidth={textWidth}
				maxFontSize={unit * 0.09}
				minFontSize={unit * 0.05}
				maxLines={1}
				color={css(contrast(palette.primary, palette.background) >= 2.5 ? palette.primary : palette.ink)}
				weight={700}
				delay={26}
			/>
			<FittedText
				text={props.message}
				maxWidth={textWidth * 0.92}
				maxFontSize={unit * 0.045}
				minFontSize={unit * 0.03}
				maxLines={3}
				color={css(palette.ink, 0.85)}
				weight={500}
				balance
				delay={50}
				stagger={2}
				entrance={24}
			/>
		</div>
	);

	return (
		<AbsoluteFill style={{background: `radial-gradient(circle at 50% 60%, ${css(mix(palette.background, palette.primary, 0.18))}, ${css(palette.background)} 70%)`, overflow: 'hidden'}}>
			<SoundBed src={bed} />
			<AbsoluteFill style={{opacity: fade}}>
				<Confetti colors={colors} count={shape === 'portrait' ? 80 : 60} start={20} seed="birthday" />
				{balloons.map((b, i) => (
					<div key={i} style={{position: 'absolute', left: b.x, top: b.y}}>
						<Balloon size={b.size} color={b.color} sway={b.sway} />
					</div>
				))}
				{shape === 'landscape' ? (
					<AbsoluteFill style={{flexDirection: rtl ? 'row-reverse' : 'row', alignItems: 'center', justifyContent: 'space-between', padding: `0 ${width * 0.05}px`}}>
						{texts}
						<div style={{width: width * 0.4, display: 'flex', justifyContent: 'center', paddingTop: height * 0.3}}>{age}</div>
					</AbsoluteFill>
				) : (
					<AbsoluteFill style={{flexDirection: 'column', alignItems: 'center', justifyContent: shape === 'square' ? 'center' : 'flex-end', gap: unit * (shape === 'square' ? 0.03 : 0.08), padding: `0 0 ${height * 0.05}px`}}>
						{texts}
						{age}
					</AbsoluteFill>
				)}
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
