import React from 'react';
import {useCurrentFrame, useVideoConfig} from 'remotion';
import {rise} from './animation';
import {isRtl} from './digits';
import {fitText} from './fit';
import {FONT_FAMILY} from './fonts';

/**
 * Splits a text into runs that animate as one piece: words, except that consecutive words of the
 * other script are kept together (a Latin "Black Friday" inside a Persian line). Each run is an
 * inline block, and the bidi algorithm orders inline blocks as neutrals, so splitting a Latin run
 * into words would reverse it inside a right-to-left line. Persian words are never split into
 * letters: their letters join, and a letter animated alone loses its shape.
 */
export const runs = (line: string, rtl: boolean): string[] => {
	const out: string[] = [];
	for (const word of line.split(' ').filter((w) => w.length > 0)) {
		const other = rtl ? !isRtl(word) : isRtl(word);
		const previous = out.length > 0 ? out[out.length - 1] : null;
		const previousOther = previous !== null && (rtl ? !isRtl(previous) : isRtl(previous));
		if (other && previousOther && previous !== null) {
			out[out.length - 1] = `${previous} ${word}`;
		} else {
			out.push(word);
		}
	}
	return out;
};

export type FittedTextProps = {
	text: string;
	maxWidth: number;
	maxFontSize: number;
	minFontSize: number;
	maxLines: number;
	color: string;
	weight?: number;
	lineHeight?: number;
	align?: 'center' | 'start';
	/** First frame of the entrance; runs follow each other `stagger` frames apart. */
	delay?: number;
	stagger?: number;
	/** The most frames the runs' starts may spread over: a long text enters faster, not later. */
	entrance?: number;
	/** Even lines rather than a full first line and a short last one (titles). */
	balance?: boolean;
	style?: React.CSSProperties;
};

/**
 * A text fitted to its box (largest size that fits in maxLines), right-to-left when it is Persian,
 * entering run by run. dir="auto" on every line lets an English alternative read left to right.
 */
export const FittedText: React.FC<FittedTextProps> = ({
	text,
	maxWidth,
	maxFontSize,
	minFontSize,
	maxLines,
	color,
	weight = 800,
	lineHeight = 1.35,
	align = 'center',
	delay = 0,
	stagger = 3,
	entrance,
	balance = false,
	style,
}) => {
	const frame = useCurrentFrame();
	const {height} = useVideoConfig();
	const rtl = isRtl(text);
	const fitted = fitText(text, {maxWidth, maxFontSize, minFontSize, maxLines, weight, balance});
	const lines = fitted.lines.map((line) => runs(line, rtl));
	const count = lines.reduce((n, line) => n + line.length, 0);
	const step = entrance === undefined ? stagger : Math.min(stagger, entrance / Math.max(1, count - 1));
	let index = 0;
	return (
		<div
			lang={rtl ? 'fa' : 'en'}
			dir={rtl ? 'rtl' : 'ltr'}
			style={{
				fontFamily: FONT_FAMILY,
				fontWeight: weight,
				fontSize: fitted.fontSize,
				lineHeight,
				color,
				textAlign: align === 'center' ? 'center' : rtl ? 'right' : 'left',
				width: maxWidth,
				...style,
			}}
		>
			{lines.map((line, l) => (
				<div key={l} style={{whiteSpace: 'nowrap'}}>
					{line.map((run, r) => {
						const i = index++;
						return (
							<React.Fragment key={r}>
								{r > 0 ? ' ' : null}
								<span
									dir={isRtl(run) ? 'rtl' : 'ltr'}
									style={{display: 'inline-block', ...rise(frame, delay + i * step, height * 0.03)}}
								>
									{run}
								</span>
							</React.Fragment>
						);
					})}
				</div>
			))}
		</div>
	);
};
