// The countdown's digits: an odometer. Each place is a strip of 0-9 that rolls to its digit, the
// higher places turning over only as the lower one passes 9 → 0, as on a mechanical counter.
import React from 'react';
import {Easing, interpolate, useCurrentFrame} from 'remotion';
import {FONT_FAMILY} from './fonts';

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';

/** Where each place's strip stands (0-10, fractional while turning) for the value v. */
export const odometer = (v: number, places: number): number[] =>
	Array.from({length: places}, (_, k) => {
		const place = 10 ** k;
		const whole = Math.floor(v / place);
		const rest = v - whole * place;
		const turning = rest > place - 1 ? rest - (place - 1) : 0;
		return (whole % 10) + turning;
	}).reverse();

/** The value a roll shows at a frame: `from` to `to` over `duration` frames after `delay`, eased out. */
export const rollValue = (frame: number, from: number, to: number, delay: number, duration: number): number =>
	interpolate(frame, [delay, delay + duration], [from, to], {
		extrapolateLeft: 'clamp',
		extrapolateRight: 'clamp',
		easing: Easing.out(Easing.cubic),
	});

/**
 * A number rolling from `from` to `value` (Persian digits when asked), left to right whatever the
 * text around it: a number reads the same way in a Persian line.
 */
export const RollingNumber: React.FC<{
	value: number;
	from: number;
	delay?: number;
	duration?: number;
	persian: boolean;
	fontSize: number;
	color: string;
	weight?: number;
	minDigits?: number;
}> = ({value, from, delay = 0, duration = 45, persian, fontSize, color, weight = 900, minDigits = 1}) => {
	const frame = useCurrentFrame();
	const target = Math.max(0, Math.round(value));
	const v = rollValue(frame, Math.max(0, from), target, delay, duration);
	const places = Math.max(minDigits, String(Math.max(target, Math.round(from))).length);
	// Leading zeros of the final value are not drawn; its width is what is left.
	const shown = Math.max(minDigits, String(target).length);
	const cell = fontSize * 1.15;
	const glyphs = persian ? PERSIAN : '0123456789';
	return (
		<div
			dir="ltr"
			style={{
				display: 'flex',
				fontFamily: FONT_FAMILY,
				fontWeight: weight,
				fontSize,
				lineHeight: `${cell}px`,
				color,
				height: cell,
				overflow: 'hidden',
				fontVariantNumeric: 'tabular-nums',
			}}
		>
			{odometer(v, places).map((position, i) => {
				// A place the final value does not need narrows away as the value drops below it.
				const power = 10 ** (places - i - 1);
				const present = i < places - shown ? Math.min(1, Math.max(0, v - (power - 1))) : 1;
				return (
					<div key={i} style={{width: fontSize * 0.62 * present, opacity: present, textAlign: 'center', overflow: 'hidden'}}>
						<div style={{transform: `translateY(${-position * cell}px)`}}>
							{Array.from({length: 11}, (_, d) => (
								<div key={d} style={{height: cell}}>
									{glyphs[d % 10]}
								</div>
							))}
						</div>
					</div>
				);
			})}
		</div>
	);
};
