import React from 'react';

// One orbit of the logo: an ellipse, turned, drawn in a gradient.
export const Arc: React.FC<{
	readonly progress: number;
	readonly rotation: number;
	readonly rotateProgress: number;
	readonly color1: string;
	readonly color2: string;
	readonly gradientId: string;
}> = ({progress, rotation, rotateProgress, color1, color2, gradientId}) => {
	const rx = 135 + 35 * rotateProgress;
	const ry = 300;
	const circumference = Math.PI * 2 * Math.sqrt((rx * rx + ry * ry) / 2);
	return (
		<svg viewBox="0 0 1920 1080" style={{position: 'absolute', width: '100%', height: '100%'}}>
			<defs>
				<linearGradient id={gradientId} x1="0%" y1="0%" x2="0%" y2="100%">
					<stop offset="0%" stopColor={color1} />
					<stop offset="100%" stopColor={color2} />
				</linearGradient>
			</defs>
			<ellipse
				cx={960}
				cy={540}
				rx={rx}
				ry={ry}
				fill="none"
				stroke={`url(#${gradientId})`}
				strokeWidth={30}
				strokeDasharray={circumference}
				strokeDashoffset={circumference * (1 - progress)}
				strokeLinecap="round"
				transform={`rotate(${rotation * rotateProgress} 960 540)`}
			/>
		</svg>
	);
};
