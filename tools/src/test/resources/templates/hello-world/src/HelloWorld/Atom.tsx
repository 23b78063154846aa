import React from 'react';

// The nucleus of the logo: a disc in the same gradient as the orbits.
export const Atom: React.FC<{
	readonly scale: number;
	readonly color1: string;
	readonly color2: string;
}> = ({scale, color1, color2}) => {
	return (
		<svg viewBox="0 0 1920 1080" style={{position: 'absolute', width: '100%', height: '100%'}}>
			<defs>
				<linearGradient id="atom-gradient" x1="0%" y1="0%" x2="100%" y2="100%">
					<stop offset="0%" stopColor={color1} />
					<stop offset="100%" stopColor={color2} />
				</linearGradient>
			</defs>
			<circle cx={960} cy={540} r={70 * scale} fill="url(#atom-gradient)" />
		</svg>
	);
};
