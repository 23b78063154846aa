// Decorations more than one template draws: soft colour blobs drifting behind a layout, confetti
// falling through it. Pure functions of the frame and a seed (Remotion's random), so every node
// and every chunk draws the same frame.
import React from 'react';
import {random, useCurrentFrame, useVideoConfig} from 'remotion';
import {css, type Rgb} from './palette';

/** Large blurred discs in the given colours, drifting slowly on their own circles. */
export const Blobs: React.FC<{colors: Rgb[]; count?: number; seed?: string; opacity?: number; size?: number}> = ({
	colors,
	count = 5,
	seed = 'blobs',
	opacity = 0.5,
	size = 0.6,
}) => {
	const frame = useCurrentFrame();
	const {width, height} = useVideoConfig();
	const unit = Math.min(width, height);
	return (
		<>
			{Array.from({length: count}, (_, i) => {
				const r = unit * size * (0.6 + random(`${seed}r${i}`) * 0.6);
				const angle = frame / (70 + random(`${seed}s${i}`) * 60) + random(`${seed}a${i}`) * Math.PI * 2;
				const x = random(`${seed}x${i}`) * width + Math.cos(angle) * unit * 0.08;
				const y = random(`${seed}y${i}`) * height + Math.sin(angle) * unit * 0.08;
				const color = colors[i % colors.length];
				return (
					<div
						key={i}
						style={{
							position: 'absolute',
							left: x - r,
							top: y - r,
							width: r * 2,
							height: r * 2,
							borderRadius: '50%',
							background: `radial-gradient(circle, ${css(color, opacity)} 0, ${css(color, 0)} 70%)`,
						}}
					/>
				);
			})}
		</>
	);
};

/**
 * Confetti: paper strips and dots in the given colours, falling and turning from `start` on. Each
 * piece loops down the frame at its own pace, so the shower lasts the whole video.
 */
export const Confetti: React.FC<{colors: Rgb[]; count?: number; seed?: string; start?: number; size?: number}> = ({
	colors,
	count = 70,
	seed = 'confetti',
	start = 0,
	size = 0.022,
}) => {
	const frame = useCurrentFrame();
	const {width, height} = useVideoConfig();
	const unit = Math.min(width, height);
	const t = Math.max(0, frame - start);
	return (
		<>
			{Array.from({length: count}, (_, i) => {
				const speed = height * (0.004 + random(`${seed}v${i}`) * 0.006);
				const y = ((random(`${seed}y${i}`) * height * 1.2 + t * speed) % (height * 1.2)) - height * 0.1;
				const x = random(`${seed}x${i}`) * width + Math.sin(t / (8 + random(`${seed}w${i}`) * 10) + i) * unit * 0.02;
				const s = unit * size * (0.6 + random(`${seed}s${i}`) * 0.8);
				const round = random(`${seed}k${i}`) < 0.3;
				const flip = Math.cos(t / (4 + random(`${seed}f${i}`) * 6) + i);
				return (
					<div
						key={i}
						style={{
							position: 'absolute',
							left: x,
							top: y,
							width: s,
							height: round ? s : s * 0.45,
							borderRadius: round ? '50%' : s * 0.08,
							background: css(colors[i % colors.length]),
							opacity: frame < start ? 0 : 1,
							transform: `rotate(${t * (3 + random(`${seed}r${i}`) * 5) + i * 37}deg) scaleY(${round ? 1 : flip})`,
						}}
					/>
				);
			})}
		</>
	);
};
