// Text fitting: the largest font size (between a floor and a ceiling) at which a text fits a box
// in at most N lines, measured with the bundled font through a canvas (Chromium shapes Persian
// there exactly as it does in the page). Lines break at spaces only, in the text's own order, so
// a Persian title with a Latin run inside keeps both right.
import {FONT_FAMILY} from './fonts';

export type FitOptions = {
	maxWidth: number;
	maxFontSize: number;
	minFontSize: number;
	maxLines: number;
	weight?: number;
	/** Extra room between letters, in em (Latin only; Persian letters join). */
	letterSpacing?: number;
};

export type Fitted = {fontSize: number; lines: string[]};

let context: CanvasRenderingContext2D | null = null;

const measure = (text: string, fontSize: number, weight: number): number => {
	if (!context) {
		context = document.createElement('canvas').getContext('2d');
		if (!context) {
			throw new Error('no 2D canvas to measure text with');
		}
	}
	context.font = `${weight} ${fontSize}px ${FONT_FAMILY}`;
	return context.measureText(text).width;
};

/** Greedy wrap at spaces; a single word wider than the box stays on its own line. */
const wrap = (words: string[], fontSize: number, weight: number, maxWidth: number): string[] => {
	const lines: string[] = [];
	let line = '';
	for (const word of words) {
		const candidate = line ? `${line} ${word}` : word;
		if (line && measure(candidate, fontSize, weight) > maxWidth) {
			lines.push(line);
			line = word;
		} else {
			line = candidate;
		}
	}
	if (line) {
		lines.push(line);
	}
	return lines;
};

const fits = (lines: string[], fontSize: number, weight: number, options: FitOptions): boolean =>
	lines.length <= options.maxLines && lines.every((l) => measure(l, fontSize, weight) <= options.maxWidth);

/** The largest size that fits; at the floor, the text is wrapped into as many lines as it needs. */
export const fitText = (text: string, options: FitOptions): Fitted => {
	const weight = options.weight ?? 700;
	const words = text.trim().split(/\s+/).filter((w) => w.length > 0);
	if (words.length === 0) {
		return {fontSize: options.maxFontSize, lines: []};
	}
	let lo = options.minFontSize;
	let hi = options.maxFontSize;
	if (fits(wrap(words, hi, weight, options.maxWidth), hi, weight, options)) {
		return {fontSize: hi, lines: wrap(words, hi, weight, options.maxWidth)};
	}
	// Whole pixels are enough: 12 halvings take 1080 px down to below one.
	for (let i = 0; i < 12 && hi - lo > 0.5; i++) {
		const mid = (lo + hi) / 2;
		if (fits(wrap(words, mid, weight, options.maxWidth), mid, weight, options)) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	const fontSize = Math.floor(lo);
	return {fontSize, lines: wrap(words, fontSize, weight, options.maxWidth)};
};
