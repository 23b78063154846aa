// Persian digits: what a Persian reader expects in a date, a price or a countdown.
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';

/** Latin (and Arabic-Indic) digits to Persian ones; everything else untouched. */
export const toPersianDigits = (text: string | number): string =>
	String(text)
		.replace(/[0-9]/g, (d) => PERSIAN[Number(d)])
		.replace(/[٠-٩]/g, (d) => PERSIAN[ARABIC_INDIC.indexOf(d)]);

/** Persian and Arabic-Indic digits to Latin ones (for parsing what a customer typed). */
export const toLatinDigits = (text: string): string =>
	text
		.replace(/[۰-۹]/g, (d) => String(PERSIAN.indexOf(d)))
		.replace(/[٠-٩]/g, (d) => String(ARABIC_INDIC.indexOf(d)));

/** True when the text has a letter of the Arabic script (Persian), so it reads right to left. */
export const isRtl = (text: string): boolean => /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/.test(text);

/** Digits as the text's own script expects: Persian in a Persian text, Latin in an English one. */
export const localDigits = (value: string | number, sample: string): string =>
	isRtl(sample) ? toPersianDigits(value) : String(value);

/** A number with thousands grouped: '۱۲٬۵۰۰' for Persian, '12,500' otherwise. */
export const groupThousands = (value: number, persian: boolean): string => {
	const grouped = Math.round(value)
		.toString()
		.replace(/\B(?=(\d{3})+(?!\d))/g, persian ? '٬' : ',');
	return persian ? toPersianDigits(grouped) : grouped;
};

/**
 * A Persian text's Latin digits as Persian ones, except a number next to a Latin word ("Spring
 * 2026", "iPhone 16"), which stays as it was typed; a text that is not Persian is left alone.
 */
export const persianDigitsIn = (text: string): string =>
	isRtl(text)
		? text.replace(/[0-9]+/g, (digits, at: number) => {
				const before = /[A-Za-z][^A-Za-z\u0600-\u06FF]*$/.test(text.slice(0, at));
				const after = /^[^A-Za-z\u0600-\u06FF]*[A-Za-z]/.test(text.slice(at + digits.length));
				return before || after ? digits : toPersianDigits(digits);
			})
		: text;
