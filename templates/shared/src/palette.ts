// Colour bindings arrive as '#rrggbb' strings (the orchestrator validates them); these helpers
// derive the shades a layout needs from the few colours a customer picks, and keep text readable
// whatever they pick.

export type Rgb = [number, number, number];

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** '#abc' / '#aabbcc' to [r, g, b]; anything else gives the fallback. */
export const parseColor = (color: string | undefined, fallback: string): Rgb => {
	const match = HEX.exec((color ?? '').trim()) ?? HEX.exec(fallback);
	if (!match) {
		throw new Error(`fallback colour ${fallback} is not #rgb or #rrggbb`);
	}
	let hex = match[1];
	if (hex.length === 3) {
		hex = hex
			.split('')
			.map((c) => c + c)
			.join('');
	}
	return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
};

export const css = ([r, g, b]: Rgb, alpha = 1): string =>
	alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;

/** Moves a colour towards white (amount > 0) or black (amount < 0). */
export const shade = (color: Rgb, amount: number): Rgb => {
	const target = amount >= 0 ? 255 : 0;
	const a = Math.min(1, Math.abs(amount));
	return color.map((c) => Math.round(c + (target - c) * a)) as Rgb;
};

export const mix = (a: Rgb, b: Rgb, t: number): Rgb =>
	a.map((c, i) => Math.round(c + (b[i] - c) * t)) as Rgb;

/** WCAG relative luminance, 0 (black) to 1 (white). */
export const luminance = (color: Rgb): number => {
	const [r, g, b] = color.map((c) => {
		const s = c / 255;
		return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

export const contrast = (a: Rgb, b: Rgb): number => {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
};

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [20, 20, 28];

/** White or near-black, whichever reads better on the background. */
export const readableOn = (background: Rgb): Rgb =>
	contrast(WHITE, background) >= contrast(INK, background) ? WHITE : INK;

/** The colours a template draws with, derived from its colour bindings. */
export type Palette = {
	primary: Rgb;
	secondary: Rgb;
	background: Rgb;
	/** Text drawn on the background. */
	ink: Rgb;
	/** Text drawn on the primary colour. */
	onPrimary: Rgb;
};

export const makePalette = (
	colors: {primary?: string; secondary?: string; background?: string},
	defaults: {primary: string; secondary: string; background: string},
): Palette => {
	const primary = parseColor(colors.primary, defaults.primary);
	const secondary = parseColor(colors.secondary, defaults.secondary);
	const background = parseColor(colors.background, defaults.background);
	return {primary, secondary, background, ink: readableOn(background), onPrimary: readableOn(primary)};
};
