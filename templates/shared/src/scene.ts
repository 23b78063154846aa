import {useCurrentFrame, useVideoConfig} from 'remotion';
import {outro} from './animation';
import {isRtl} from './digits';
import {useShape} from './layout';
import {makePalette} from './palette';

/**
 * What every frame of a template starts from: the frame and the video's timing, its layout
 * (shape and size), the palette from the colour bindings (`fallback` where one is not a colour),
 * whether the title is Persian, and the outro's fade (over `fadeFrames`).
 */
export const useScene = (
	colors: {primary?: string; secondary?: string; background?: string; title?: string},
	fallback: {primary: string; secondary: string; background: string},
	fadeFrames = 12,
) => {
	const frame = useCurrentFrame();
	const {fps, durationInFrames} = useVideoConfig();
	return {
		frame,
		fps,
		durationInFrames,
		...useShape(),
		palette: makePalette(colors, fallback),
		rtl: isRtl(colors.title ?? ''),
		fade: outro(frame, durationInFrames, fadeFrames),
	};
};
