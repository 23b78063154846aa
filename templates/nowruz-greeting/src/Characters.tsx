// The card's characters, drawn here in SVG (ours to ship): a sabzeh that dances, two goldfish in
// their bowl, swallows. Each is a pure function of the frame.
import React from 'react';
import {css, mix, type Rgb, shade} from '@flatrender/template-kit';

const Face: React.FC<{x: number; y: number; s: number; blink: boolean; smile?: boolean}> = ({x, y, s, blink, smile = true}) => (
	<g transform={`translate(${x} ${y}) scale(${s})`}>
		{blink ? (
			<>
				<path d="M-9,0 q3,2 6,0" stroke="#3e2723" strokeWidth="1.6" fill="none" strokeLinecap="round" />
				<path d="M3,0 q3,2 6,0" stroke="#3e2723" strokeWidth="1.6" fill="none" strokeLinecap="round" />
			</>
		) : (
			<>
				<ellipse cx="-6" cy="0" rx="2.4" ry="3" fill="#3e2723" />
				<ellipse cx="6" cy="0" rx="2.4" ry="3" fill="#3e2723" />
				<circle cx="-5.2" cy="-1" r="0.9" fill="#fff" />
				<circle cx="6.8" cy="-1" r="0.9" fill="#fff" />
			</>
		)}
		<ellipse cx="-11" cy="5" rx="3" ry="1.8" fill="#f48fb1" opacity="0.7" />
		<ellipse cx="11" cy="5" rx="3" ry="1.8" fill="#f48fb1" opacity="0.7" />
		{smile ? <path d="M-4,5 q4,4 8,0" stroke="#3e2723" strokeWidth="1.6" fill="none" strokeLinecap="round" /> : null}
	</g>
);

/** The sabzeh: a pot of sprouts with a red ribbon that sways and hops to the beat. */
export const Sabzeh: React.FC<{frame: number; size: number; green: Rgb}> = ({frame, size, green}) => {
	const sway = Math.sin(frame / 6) * 8;
	const hop = Math.max(0, Math.sin(frame / 5)) * 6;
	const blink = frame % 70 > 64;
	const blades = Array.from({length: 23}, (_, i) => {
		const x = -36 + i * 3.3;
		const h = 52 + ((i * 37) % 11) * 2.4;
		const bend = sway * (0.6 + ((i * 13) % 5) / 10);
		const shadeBy = ((i * 7) % 4) / 10 - 0.15;
		return <path key={i} d={`M${x},0 Q${x + bend * 0.3},${-h * 0.5} ${x + bend},${-h}`} stroke={css(shade(green, shadeBy))} strokeWidth="3.2" strokeLinecap="round" fill="none" />;
	});
	return (
		<svg viewBox="-60 -90 120 150" width={size} height={size * 1.25} style={{overflow: 'visible'}}>
			<ellipse cx="0" cy="56" rx="44" ry="5" fill="rgba(0,0,0,0.12)" />
			<g transform={`translate(0 ${-hop})`}>
				<g transform="translate(0 0)">{blades}</g>
				<path d="M-42,-2 L42,-2 L34,52 Q0,60 -34,52 Z" fill="#d7a86e" />
				<path d="M-42,-2 L42,-2 L41,6 L-41,6 Z" fill="#b9854b" />
				<path d="M-39,16 Q0,24 39,16 L38,26 Q0,34 -38,26 Z" fill="#e53935" />
				<path d="M-6,22 l-12,14 l8,0 z M6,22 l12,14 l-8,0 z" fill="#c62828" />
				<Face x={0} y={38} s={0.9} blink={blink} />
			</g>
		</svg>
	);
};

/** A goldfish bowl with two fish circling, bubbles rising. */
export const FishBowl: React.FC<{frame: number; size: number; water: Rgb}> = ({frame, size, water}) => {
	const fish = (phase: number, scale: number) => {
		const a = frame / 22 + phase;
		const x = Math.cos(a) * 22;
		const y = 8 + Math.sin(a * 2) * 6;
		const facing = -Math.sin(a) >= 0 ? 1 : -1; // swims along its circle
		const tail = Math.sin(frame / 2.5 + phase) * 12;
		return (
			<g transform={`translate(${x} ${y}) scale(${facing * scale} ${scale})`}>
				<path d={`M8,0 L18,${-7 + tail * 0.2} L16,0 L18,${7 + tail * 0.2} Z`} fill="#ff7043" />
				<ellipse cx="0" cy="0" rx="11" ry="7" fill="#ff5722" />
				<path d="M-2,-6 q4,-6 8,0" fill="#ff8a65" />
				<circle cx="-6" cy="-1.5" r="2" fill="#fff" />
				<circle cx="-6.5" cy="-1.5" r="1.1" fill="#3e2723" />
				<path d="M-10,2.5 q1.5,1.5 3,0" stroke="#3e2723" strokeWidth="0.9" fill="none" />
			</g>
		);
	};
	const bubbles = Array.from({length: 5}, (_, i) => {
		const t = ((frame + i * 23) % 60) / 60;
		return <circle key={i} cx={-14 + i * 7 + Math.sin(frame / 8 + i) * 2} cy={30 - t * 50} r={1.2 + i * 0.3} fill="none" stroke="rgba(255,255,255,0.8)" strokeWidth="0.8" opacity={1 - t} />;
	});
	return (
		<svg viewBox="-50 -50 100 100" width={size} height={size} style={{overflow: 'visible'}}>
			<ellipse cx="0" cy="46" rx="30" ry="4" fill="rgba(0,0,0,0.12)" />
			<path d="M-20,-38 Q-48,-20 -44,10 Q-38,44 0,44 Q38,44 44,10 Q48,-20 20,-38 Z" fill="rgba(255,255,255,0.35)" stroke="rgba(255,255,255,0.9)" strokeWidth="1.5" />
			<path d="M-43,-6 Q0,-1 43,-6 Q46,30 20,41 Q0,46 -20,41 Q-46,30 -43,-6 Z" fill={css(mix(water, [129, 212, 250], 0.7), 0.75)} />
			{fish(0, 1)}
			{fish(Math.PI, 0.8)}
			{bubbles}
			<ellipse cx="0" cy="-38" rx="21" ry="3.5" fill="none" stroke="rgba(255,255,255,0.9)" strokeWidth="1.5" />
			<path d="M-34,-14 Q-38,4 -30,20" stroke="rgba(255,255,255,0.8)" strokeWidth="2.5" fill="none" strokeLinecap="round" />
		</svg>
	);
};

/** A swallow (parastoo), the bird of spring, flapping. */
export const Swallow: React.FC<{frame: number; size: number; phase: number}> = ({frame, size, phase}) => {
	const flap = Math.sin(frame / 3 + phase);
	return (
		<svg viewBox="-30 -20 60 40" width={size} height={size * 0.66} style={{overflow: 'visible'}}>
			<path d={`M0,0 Q-12,${-14 * flap} -28,${-8 * flap - 4} Q-14,${-2 * flap} 0,4 Z`} fill="#263238" />
			<path d={`M0,0 Q12,${-14 * flap} 28,${-8 * flap - 4} Q14,${-2 * flap} 0,4 Z`} fill="#37474f" />
			<ellipse cx="0" cy="3" rx="6" ry="4" fill="#263238" />
			<ellipse cx="0" cy="5" rx="3.5" ry="2.2" fill="#fafafa" />
			<circle cx="-3.5" cy="1.5" r="1.2" fill="#e53935" />
			<path d="M0,6 L-4,16 M0,6 L4,16" stroke="#263238" strokeWidth="1.6" />
		</svg>
	);
};

/** A five-petal blossom (shekoofeh). */
export const Blossom: React.FC<{size: number; color: Rgb; turn: number}> = ({size, color, turn}) => (
	<svg viewBox="-10 -10 20 20" width={size} height={size} style={{transform: `rotate(${turn}deg)`}}>
		{Array.from({length: 5}, (_, i) => (
			<ellipse key={i} cx="0" cy="-5" rx="3.6" ry="5" fill={css(shade(color, 0.25))} transform={`rotate(${i * 72})`} />
		))}
		<circle r="2.4" fill="#ffeb3b" />
	</svg>
);
