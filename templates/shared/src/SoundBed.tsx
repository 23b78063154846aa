import React from 'react';
import {Audio, interpolate, useVideoConfig} from 'remotion';

/**
 * A template's music: one of the sound beds synthesised by scripts/soundbeds.mjs (ours to ship),
 * looped for as long as the composition runs, faded in and out so the video starts and ends clean.
 */
export const SoundBed: React.FC<{src: string; volume?: number}> = ({src, volume = 0.8}) => {
	const {durationInFrames, fps} = useVideoConfig();
	const fade = Math.min(Math.round(fps * 0.5), Math.floor(durationInFrames / 4));
	return (
		<Audio
			src={src}
			loop
			volume={(f) =>
				volume *
				interpolate(f, [0, fade, durationInFrames - fade, durationInFrames], [0, 1, 1, 0], {
					extrapolateLeft: 'clamp',
					extrapolateRight: 'clamp',
				})
			}
		/>
	);
};
