// Text fitting: the largest font size (between a floor and a ceiling) at which a text fits a box
// in at most N lines, measured with the bundled font through a canvas (Chromium shapes Persian
// there exactly as it does in the page). Lines break at spaces only, in the text's own order, so
// a Persian title with a Latin run inside keeps both right. A newline in the text is a hard break
// (the two hemistiches of a verse): each paragraph is wrapped by itself.
import {FONT_FAMILY} from './fonts';

export type FitOptions = {
	maxWidth: number;
	maxFontSize: number;
	minFontSize: number;
	maxLines: number;
	weight?: number;
	/** Extra room between letters, in em (Latin only; Persian letters join). */
	letterSpacing?: number;
	/** Evens out the lines: the narrowest width that keeps the same number of lines. */
	balance?: boolean;
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
	const paragraphs = text
		.trim()
		.split('\n')
		.map((p) => p.split(/\s+/).filter((w) => w.length > 0))
		.filter((p) => p.length > 0);
	if (paragraphs.length === 0) {
		return {fontSize: options.maxFontSize, lines: []};
	}
	const wrapAll = (fontSize: number, maxWidth = options.maxWidth): string[] =>
		paragraphs.flatMap((words) => wrap(words, fontSize, weight, maxWidth));
	let lo = options.minFontSize;
	let hi = options.maxFontSize;
	if (fits(wrapAll(hi), hi, weight, options)) {
		return balanced(hi, options, wrapAll);
	}
	// Whole pixels are enough: 12 halvings take 1080 px down to below one.
	for (let i = 0; i < 12 && hi - lo > 0.5; i++) {
		const mid = (lo + hi) / 2;
		if (fits(wrapAll(mid), mid, weight, options)) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	return balanced(Math.floor(lo), options, wrapAll);
};

const balanced = (fontSize: number, options: FitOptions, wrapAll: (fontSize: number, maxWidth?: number) => string[]): Fitted => {
	const lines = wrapAll(fontSize);
	if (!options.balance || lines.length < 2) {
		return {fontSize, lines};
	}
	let lo = options.maxWidth / lines.length;
	let hi = options.maxWidth;
	for (let i = 0; i < 10; i++) {
		const mid = (lo + hi) / 2;
		if (wrapAll(fontSize, mid).length <= lines.length) {
			hi = mid;
		} else {
			lo = mid;
		}
	}
	return {fontSize, lines: wrapAll(fontSize, hi)};
};
