// Entrance animations as pure functions of the frame, so every frame renders the same on any node
// and in any chunk. Horizontal moves follow the reading direction: a Persian line enters from the
// right, an English one from the left.
import type React from 'react';
import {Easing, interpolate, spring} from 'remotion';

const clamp = {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'} as const;

/** 0 → 1 over `duration` frames after `delay`, eased out. */
export const progress = (frame: number, delay: number, duration: number): number =>
	interpolate(frame, [delay, delay + duration], [0, 1], {...clamp, easing: Easing.out(Easing.cubic)});

/** Fades in while rising by `distance` px. */
export const rise = (frame: number, delay: number, distance: number, duration = 18): React.CSSProperties => {
	const p = progress(frame, delay, duration);
	return {opacity: p, transform: `translateY(${(1 - p) * distance}px)`};
};

/** Springs from `from` scale to 1 (with a little overshoot). */
export const pop = (frame: number, fps: number, delay: number, from = 0.6): React.CSSProperties => {
	const s = spring({frame: frame - delay, fps, config: {damping: 12, stiffness: 140, mass: 0.7}});
	return {opacity: Math.min(1, s * 1.5), transform: `scale(${from + (1 - from) * s})`};
};

/** Slides in from the side the line starts on (the right for Persian). */
export const slideIn = (
	frame: number,
	fps: number,
	delay: number,
	distance: number,
	rtl: boolean,
): React.CSSProperties => {
	const s = spring({frame: frame - delay, fps, config: {damping: 200}});
	const sign = rtl ? 1 : -1;
	return {opacity: Math.min(1, s * 2), transform: `translateX(${sign * (1 - s) * distance}px)`};
};

/** A wipe that uncovers the element in its reading direction (clip-path inset). */
export const wipe = (frame: number, delay: number, rtl: boolean, duration = 20): React.CSSProperties => {
	const hidden = (1 - progress(frame, delay, duration)) * 100;
	return {clipPath: rtl ? `inset(0 0 0 ${hidden}%)` : `inset(0 ${hidden}% 0 0)`};
};

/** A slow drift so a still moment still moves (Ken Burns style), 0..1 over the whole video. */
export const drift = (frame: number, durationInFrames: number): number =>
	interpolate(frame, [0, durationInFrames], [0, 1], clamp);

/** Fades everything out over the last `frames` frames (a clean loop point for a sound bed too). */
export const outro = (frame: number, durationInFrames: number, frames = 12): number =>
	interpolate(frame, [durationInFrames - frames, durationInFrames - 1], [1, 0], clamp);
