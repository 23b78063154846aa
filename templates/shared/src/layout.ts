import {staticFile, useVideoConfig} from 'remotion';

/** Which of the three layouts a composition gets: each template designs all three, none is a scaled 16:9. */
export type Shape = 'landscape' | 'square' | 'portrait';

export const useShape = (): {shape: Shape; width: number; height: number; unit: number} => {
	const {width, height} = useVideoConfig();
	const ratio = width / height;
	const shape: Shape = ratio > 1.2 ? 'landscape' : ratio < 0.8 ? 'portrait' : 'square';
	return {shape, width, height, unit: Math.min(width, height)};
};

/** The three aspects every template registers, at their native sizes (template.json says the same). */
export const ASPECTS: Array<{suffix: string; width: number; height: number}> = [
	{suffix: '16x9', width: 1920, height: 1080},
	{suffix: '1x1', width: 1080, height: 1080},
	{suffix: '9x16', width: 1080, height: 1920},
];

/**
 * An image binding's value as a URL: a data: URI as it is, a package file ("public/logo.png")
 * from the bundle's public folder, nothing for an empty value.
 */
export const imageUrl = (value: string | undefined): string | null => {
	if (!value) {
		return null;
	}
	if (value.startsWith('data:')) {
		return value;
	}
	return staticFile(value.replace(/^public\//, ''));
};
