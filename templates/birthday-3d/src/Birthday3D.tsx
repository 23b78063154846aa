import React from 'react';
import {ThreeCanvas} from '@remotion/three';
import {AbsoluteFill} from 'remotion';
import {css, FittedText, mix, shade, SoundBed, useScene} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/bright.wav';
import {placedCamera} from '@flatrender/template-kit/three';
import {FOV, Party} from './Party';

export type Birthday3DProps = {
	title: string;
	name: string;
	primary: string;
	secondary: string;
	background: string;
};

/**
 * A birthday cake in 3D among balloons and confetti; the greeting and the name are HTML over the
 * canvas, so Persian is shaped by the browser as everywhere else in the pack. The cake takes the
 * side the text does not start from (16:9), the top of the frame over the text (1:1), or the
 * middle between greeting and name (9:16).
 */
export const Birthday3D: React.FC<Birthday3DProps> = (props) => {
	const {shape, width, height, unit, palette, rtl, fade} = useScene(props, {primary: '#ec407a', secondary: '#ffca28', background: '#1a0b2e'});

	const textWidth = shape === 'landscape' ? width * 0.42 : width * 0.86;
	// Where the table's centre sits in the frame (fractions), which the scene turns into a camera.
	const place = shape === 'landscape' ? {x: rtl ? 0.29 : 0.71, y: 0.55} : shape === 'square' ? {x: 0.5, y: 0.36} : {x: 0.5, y: 0.53};
	// Far enough back for the cake and the balloons around it in the room the layout leaves it.
	const distance = shape === 'landscape' ? 10 : shape === 'square' ? 11.5 : 15;
	const column: React.CSSProperties =
		shape === 'landscape'
			? {top: 0, bottom: 0, width: textWidth, [rtl ? 'right' : 'left']: width * 0.05, justifyContent: 'center'}
			: shape === 'square'
				? {bottom: height * 0.05, left: (width - textWidth) / 2, width: textWidth}
				: {top: height * 0.07, bottom: height * 0.07, left: (width - textWidth) / 2, width: textWidth, justifyContent: 'space-between'};
	const glow = css(shade(palette.secondary, 0.2), 0.7);

	return (
		<AbsoluteFill style={{background: css(palette.background)}}>
			<SoundBed src={bed} />
			<AbsoluteFill style={{opacity: fade}}>
				<ThreeCanvas width={width} height={height} camera={placedCamera(FOV, width / height, distance, 0.28, place)} gl={{antialias: true, preserveDrawingBuffer: true}}>
					<Party primary={props.primary} secondary={props.secondary} background={props.background} spread={shape === 'landscape' ? 0.62 : 1} />
				</ThreeCanvas>
				<div style={{position: 'absolute', display: 'flex', flexDirection: 'column', gap: unit * 0.025, ...column}}>
					<FittedText
						text={props.title}
						maxWidth={textWidth}
						maxFontSize={unit * (shape === 'portrait' ? 0.15 : 0.12)}
						minFontSize={unit * 0.05}
						maxLines={2}
						align={shape === 'landscape' ? 'start' : 'center'}
						color={css(shade(palette.secondary, 0.55))}
						weight={900}
						delay={40}
						stagger={5}
						balance
						style={{textShadow: `0 0 ${unit * 0.03}px ${glow}, 0 ${unit * 0.006}px ${unit * 0.01}px rgba(0,0,0,0.6)`}}
					/>
					<FittedText
						text={props.name}
						maxWidth={textWidth}
						maxFontSize={unit * 0.08}
						minFontSize={unit * 0.04}
						maxLines={2}
						align={shape === 'landscape' ? 'start' : 'center'}
						color={css(mix(palette.primary, [255, 255, 255], 0.7))}
						weight={700}
						delay={58}
						stagger={3}
						style={{textShadow: `0 ${unit * 0.004}px ${unit * 0.01}px rgba(0,0,0,0.7)`}}
					/>
				</div>
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
