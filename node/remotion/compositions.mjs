#!/usr/bin/env node
// compositions.mjs --bundle <dir> [--props <json file>] --browser <chromium path>
// stdout: one line "compositions <JSON array of {id, width, height, fps, durationInFrames}>";
// "error <message>" on failure.

import {getCompositions, openBrowser} from '@remotion/renderer';
import {
	BROWSER_OPTIONS,
	browserExecutable,
	browserSettings,
	bundleDir,
	emit,
	intArg,
	onCleanup,
	parseArgs,
	readProps,
	runMain,
} from './lib/cli.mjs';

runMain(async (argv) => {
	const args = parseArgs(argv, {
		bundle: {required: true},
		props: {},
		browser: {required: true},
		...BROWSER_OPTIONS,
	});
	const serveUrl = bundleDir(args.bundle);
	const inputProps = readProps(args.props);
	const executable = browserExecutable(args.browser);
	const {chromiumOptions, chromeMode, logLevel} = browserSettings(args);

	const browser = await openBrowser('chrome', {browserExecutable: executable, chromiumOptions, chromeMode, logLevel});
	onCleanup(() => browser.close({silent: true}));

	const compositions = await getCompositions(serveUrl, {
		inputProps,
		puppeteerInstance: browser,
		browserExecutable: executable,
		chromiumOptions,
		chromeMode,
		logLevel,
		timeoutInMilliseconds: intArg('timeout', args.timeout, {min: 1}),
	});
	const list = compositions.map((c) => ({
		id: c.id,
		width: c.width,
		height: c.height,
		fps: c.fps,
		durationInFrames: c.durationInFrames,
	}));
	emit('compositions', JSON.stringify(list));
});
