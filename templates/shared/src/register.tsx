import React from 'react';
import {Composition} from 'remotion';
import {loadFonts} from './fonts';
import {ASPECTS} from './layout';
import {defaultProps, type Manifest} from './manifest';

/**
 * A template's root (for registerRoot in its entry): its three compositions, `<id>-16x9`, `<id>-1x1`, `<id>-9x16`, at their
 * native sizes, with template.json's defaults as default props and its fps and length, and
 * loads the fonts before any frame.
 */
export const templateRoot = <P,>(
	id: string,
	component: React.ComponentType<P>,
	manifest: Manifest,
): React.FC => {
	const defaults = defaultProps(manifest);
	loadFonts();
	const Root: React.FC = () => (
		<>
			{ASPECTS.map((aspect) => (
				<Composition
					key={aspect.suffix}
					id={`${id}-${aspect.suffix}`}
					component={component as unknown as React.ComponentType<Record<string, unknown>>}
					width={aspect.width}
					height={aspect.height}
					fps={manifest.fps}
					durationInFrames={manifest.durationInFrames}
					defaultProps={defaults}
				/>
			))}
		</>
	);
	return Root;
};
