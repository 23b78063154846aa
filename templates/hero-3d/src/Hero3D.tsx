import React from 'react';
import {ThreeCanvas} from '@remotion/three';
import {AbsoluteFill, useCurrentFrame, useVideoConfig} from 'remotion';
import {css, FittedText, isRtl, makePalette, outro, shade, SoundBed, useShape} from '@flatrender/template-kit';
import bed from '@flatrender/template-kit/audio/cinematic.wav';
import {Scene} from './Scene';

export type Hero3DProps = {
	title: string;
	subtitle: string;
	primary: string;
	secondary: string;
	background: string;
};

/**
 * The 3D scene draws through WebGL (on a node without a GPU, Chromium's SwiftShader); the title is
 * HTML over it, so Persian is shaped by the browser as everywhere else in the pack.
 */
export const Hero3D: React.FC<Hero3DProps> = (props) => {
	const frame = useCurrentFrame();
	const {durationInFrames} = useVideoConfig();
	const {shape, width, height, unit} = useShape();
	const palette = makePalette(props, {primary: '#00bcd4', secondary: '#ff6e40', background: '#05060f'});
	const rtl = isRtl(props.title);
	const fade = outro(frame, durationInFrames);

	// The sculpture takes the side the text does not read from; portrait puts text above and below.
	const offsetX = shape === 'landscape' ? (rtl ? -1.6 : 1.6) : 0;
	const distance = shape === 'landscape' ? 6 : shape === 'square' ? 7 : 9.5;
	const textWidth = shape === 'landscape' ? width * 0.44 : width * 0.86;
	// One column of text: beside the sculpture (landscape), under it (square), or split above and
	// below it (portrait).
	const column: React.CSSProperties =
		shape === 'landscape'
			? {top: 0, bottom: 0, width: textWidth, [rtl ? 'right' : 'left']: width * 0.05, justifyContent: 'center'}
			: shape === 'square'
				? {bottom: height * 0.07, left: (width - textWidth) / 2, width: textWidth}
				: {top: height * 0.08, bottom: height * 0.08, left: (width - textWidth) / 2, width: textWidth, justifyContent: 'space-between'};

	return (
		<AbsoluteFill style={{background: css(palette.background)}}>
			<SoundBed src={bed} />
			<AbsoluteFill style={{opacity: fade}}>
				<ThreeCanvas width={width} height={height} camera={{fov: 40, position: [0, 1.1, distance]}} gl={{antialias: true, preserveDrawingBuffer: true}}>
					<Scene
						primary={props.primary}
						secondary={props.secondary}
						background={props.background}
						offsetX={offsetX}
						distance={distance}
					/>
				</ThreeCanvas>
				<div style={{position: 'absolute', display: 'flex', flexDirection: 'column', gap: unit * 0.03, ...column}}>
					<FittedText
						text={props.title}
						maxWidth={textWidth}
						maxFontSize={unit * (shape === 'portrait' ? 0.13 : 0.1)}
						minFontSize={unit * 0.05}
						maxLines={2}
						align={shape === 'landscape' ? 'start' : 'center'}
						color="#ffffff"
						weight={900}
						delay={30}
						stagger={5}
						style={{textShadow: `0 0 ${unit * 0.03}px ${css(shade(palette.secondary, 0.1), 0.8)}`}}
					/>
					<FittedText
						text={props.subtitle}
						maxWidth={textWidth}
						maxFontSize={unit * 0.05}
						minFontSize={unit * 0.03}
						maxLines={2}
						align={shape === 'landscape' ? 'start' : 'center'}
						color={css(shade(palette.primary, 0.6))}
						weight={500}
						delay={50}
						stagger={3}
					/>
				</div>
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
