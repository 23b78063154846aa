import {AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import {z} from 'zod';
import {Logo} from './HelloWorld/Logo';
import {Subtitle} from './HelloWorld/Subtitle';
import {Title} from './HelloWorld/Title';
import {colorSchema} from './HelloWorld/color';

// The props this composition takes, as a zod 3 schema (this project's own zod, not the renderer's).
export const myCompSchema = z.object({
	titleText: z.string(),
	titleColor: colorSchema,
	logoColor1: colorSchema,
	logoColor2: colorSchema,
});

export const HelloWorld: React.FC<z.infer<typeof myCompSchema>> = ({
	titleText: propOne,
	titleColor: propTwo,
	logoColor1,
	logoColor2,
}) => {
	const frame = useCurrentFrame();
	const {durationInFrames, fps} = useVideoConfig();

	// Animate from 0 to 1 after 25 frames
	const logoTranslationProgress = spring({
		frame: frame - 25,
		fps,
		config: {
			damping: 100,
		},
	});

	// Move the logo up by 150 pixels once the transition starts
	const logoTranslation = interpolate(logoTranslationProgress, [0, 1], [0, -150]);

	// Fade out the animation at the end
	const opacity = interpolate(frame, [durationInFrames - 25, durationInFrames - 15], [1, 0], {
		extrapolateLeft: 'clamp',
		extrapolateRight: 'clamp',
	});

	// A <AbsoluteFill> is just a absolutely positioned <div>!
	return (
		<AbsoluteFill style={{backgroundColor: 'white'}}>
			<AbsoluteFill style={{opacity}}>
				<AbsoluteFill style={{transform: `translateY(${logoTranslation}px)`}}>
					<Logo logoColor1={logoColor1} logoColor2={logoColor2} />
				</AbsoluteFill>
				{/* The title and subtitle come in after 35 and 75 frames */}
				<Title titleText={propOne} titleColor={propTwo} from={35} />
				<Subtitle from={75} />
			</AbsoluteFill>
		</AbsoluteFill>
	);
};
