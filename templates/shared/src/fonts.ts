// Vazirmatn (SIL Open Font License 1.1, from the `vazirmatn` npm package) is bundled: webpack
// emits the woff2 files into each template's bundle, so a render never depends on the fonts a
// node has. Every weight is loaded inside a delayRender before the first frame is captured: no
// frame is ever drawn with a fallback font, and text measured for fitting is measured right.
import {cancelRender, continueRender, delayRender} from 'remotion';
import regular from 'vazirmatn/fonts/webfonts/Vazirmatn-Regular.woff2';
import medium from 'vazirmatn/fonts/webfonts/Vazirmatn-Medium.woff2';
import bold from 'vazirmatn/fonts/webfonts/Vazirmatn-Bold.woff2';
import black from 'vazirmatn/fonts/webfonts/Vazirmatn-Black.woff2';

/** The family name every template uses; Vazirmatn carries Latin glyphs too, so mixed runs match. */
export const FONT_FAMILY = 'FlatRenderVazirmatn';

const WEIGHTS: Array<[string, string]> = [
	['400', regular],
	['500', medium],
	['700', bold],
	['900', black],
];

let loading: Promise<void> | null = null;

/** Loads the bundled weights once per page; called at module load by index.ts. */
export const loadFonts = (): Promise<void> => {
	if (loading) {
		return loading;
	}
	const handle = delayRender('Loading the Vazirmatn fonts');
	loading = Promise.all(
		WEIGHTS.map(([weight, url]) =>
			new FontFace(FONT_FAMILY, `url('${url}') format('woff2')`, {weight, style: 'normal'})
				.load()
				.then((face) => {
					document.fonts.add(face);
				}),
		),
	)
		.then(() => document.fonts.ready)
		.then(() => continueRender(handle))
		.catch((err) => cancelRender(err));
	return loading;
};
