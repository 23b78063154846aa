import React from 'react';
import {spring, useCurrentFrame, useVideoConfig} from 'remotion';
import {FONT_FAMILY} from './constants';

const title: React.CSSProperties = {
	fontFamily: FONT_FAMILY,
	fontWeight: 'bold',
	fontSize: 100,
	textAlign: 'center',
	position: 'absolute',
	bottom: 160,
	width: '100%',
};

const word: React.CSSProperties = {
	marginLeft: 10,
	marginRight: 10,
	display: 'inline-block',
};

export const Title: React.FC<{
	readonly titleText: string;
	readonly titleColor: string;
	readonly from: number;
}> = ({titleText, titleColor, from}) => {
	const videoConfig = useVideoConfig();
	const frame = useCurrentFrame();

	const words = titleText.split(' ');

	return (
		<h1 style={title}>
			{words.map((t, i) => {
				// Each word springs in 5 frames after the one before it.
				const scale = spring({
					fps: videoConfig.fps,
					frame: frame - from - i * 5,
					config: {
						damping: 200,
					},
				});

				return (
					<span key={t + i} style={{...word, color: titleColor, transform: `scale(${scale})`}}>
						{t}
					</span>
				);
			})}
		</h1>
	);
};
