import React from 'react';
import {FONT_FAMILY} from './fonts';
import {css, readableOn, type Rgb} from './palette';
import {isRtl} from './digits';

/**
 * A call to action (or a label) on a rounded pill of one colour, its text in white or ink,
 * whichever reads on that colour, in its own direction (a Persian one right to left).
 */
export const Pill: React.FC<{
	text: string;
	color: Rgb;
	fontSize: number;
	weight?: number;
	icon?: React.ReactNode;
	style?: React.CSSProperties;
}> = ({text, color, fontSize, weight = 800, icon, style}) => (
	<div
		dir={isRtl(text) ? 'rtl' : 'ltr'}
		style={{
			display: 'inline-flex',
			alignItems: 'center',
			gap: fontSize * 0.4,
			padding: `${fontSize * 0.42}px ${fontSize * 1.1}px`,
			borderRadius: fontSize * 4,
			background: css(color),
			color: css(readableOn(color)),
			fontFamily: FONT_FAMILY,
			fontWeight: weight,
			fontSize,
			lineHeight: 1.3,
			whiteSpace: 'nowrap',
			boxShadow: `0 ${fontSize * 0.2}px ${fontSize * 0.8}px ${css(color, 0.35)}`,
			...style,
		}}
	>
		{icon}
		<span>{text}</span>
	</div>
);
