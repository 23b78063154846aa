import React from 'react';
import {ThreeCanvas} from '@remotion/three';
import {AbsoluteFill} from 'remotion';
import {css, FittedText, mix, shade, SoundBed, useScene} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/cinematic.wav';
import {placedCamera} from '@flatrender/template-kit/three';
import {FOV, Stage} from './Stage';

export type Promo3DProps = {
	title: string;
	subtitle: string;
	discount: number;
	primary: string;
	secondary: string;
	background: string;
};

/**
 * A podium on a stage in 3D with the discount spinning on it; the headline and details are HTML
 * over the canvas, so Persian is shaped by the browser as everywhere else in the pack. The stage
 * takes the side the text does not start from (16:9), the top of the frame over the text (1:1),
 * or the middle between headline and details (9:16).
 */
export const Promo3D: React.FC<Promo3DProps> = (props) => {
	const {shape, width, height, unit, palette, rtl, fade} = useScene(props, {primary: '#7c4dff', secondary: '#ffc107', background: '#0a0a1a'});

	const textWidth = shape === 'landscape' ? width * 0.42 : width * 0.86;
	// Where the table's centre sits in the frame (fractions), which the scene turns into a camera.
	const place = shape === 'landscape' ? {x: rtl ? 0.29 : 0.71, y: 0.55} : shape === 'square' ? {x: 0.5, y: 0.36} : {x: 0.5, y: 0.6};
	// Far enough back for the podium and the badge in the room the layout leaves it.
	const distance = shape === 'landscape' ? 10.5 : shape === 'square' ? 14.5 : 15;
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
				<ThreeCanvas width={width} height={height} camera={placedCamera(FOV, width / height, distance, 0.22, place)} gl={{antialias: true, preserveDrawingBuffer: true}}>
					<Stage primary={props.primary} secondary={props.secondary} background={props.background} discount={props.discount} persian={rtl} />
				</ThreeCanvas>
				<div style={{position: 'absolute', display: 'flex', flexDirection: 'column', gap: unit * 0.025, ...column}}>
					<FittedText
						text={props.title}
						maxWidth={textWidth}
						maxFontSize={unit * (shape === 'portrait' ? 0.15 : 0.12)}
						minFontSize={unit * 0.05}
						maxLines={2}
						align={shape === 'landscape' ? 'start' : 'center'}
						color="#ffffff"
						weight={900}
						delay={40}
						stagger={5}
						balance
						style={{textShadow: `0 0 ${unit * 0.03}px ${glow}, 0 ${unit * 0.006}px ${unit * 0.01}px rgba(0,0,0,0.6)`}}
					/>
					<FittedText
						text={props.subtitle}
						maxWidth={textWidth}
						maxFontSize={unit * 0.05}
						minFontSize={unit * 0.03}
						maxLines={2}
						align={shape === 'landscape' ? 'start' : 'center'}
						color={css(mix(palette.secondary, [255, 255, 255], 0.75))}
						weight={500}
						delay={58}
						stagger={3}
						style={{textShadow: `0 ${unit * 0.004}px ${unit * 0.01}px rgba(0,0,0,0.7)`}}
					/>
				</div>
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
