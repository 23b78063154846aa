import React from 'react';
import {Composition} from 'remotion';
import {Promo, type PromoProps} from './Promo';

// Must match template.json: ids, sizes, fps, duration and the bindings' defaults.
const FPS = 30;
const DURATION_IN_FRAMES = 90;

const defaultProps: PromoProps = {
	title: 'سلام فلت‌رندر',
	subtitle: 'Remotion on the farm',
	accent: '#1e88e5',
};

const aspects = [
	{id: 'Promo-16x9', width: 1920, height: 1080},
	{id: 'Promo-1x1', width: 1080, height: 1080},
	{id: 'Promo-9x16', width: 1080, height: 1920},
] as const;

export const RemotionRoot: React.FC = () => {
	return (
		<>
			{aspects.map((aspect) => (
				<Composition
					key={aspect.id}
					id={aspect.id}
					component={Promo}
					durationInFrames={DURATION_IN_FRAMES}
					fps={FPS}
					width={aspect.width}
					height={aspect.height}
					defaultProps={defaultProps}
				/>
			))}
		</>
	);
};
