// A template's own template.json is the one place its defaults, fps and length are written: the
// bundle imports it (webpack reads JSON), so the compositions and the farm can never disagree.
export type Manifest = {
	id: string;
	fps: number;
	durationInFrames: number;
	bindings: Array<{name: string; type: string; default?: unknown; defaults?: Record<string, unknown>}>;
};

/** Default props: every binding's default (Persian), or its `defaults[language]` when asked. */
export const defaultProps = (manifest: Manifest, language: 'fa' | 'en' = 'fa'): Record<string, unknown> => {
	const props: Record<string, unknown> = {};
	for (const field of manifest.bindings) {
		const value = field.defaults?.[language] ?? field.default;
		if (value !== undefined) {
			props[field.name] = value;
		}
	}
	return props;
};
