#!/usr/bin/env node
// frames.mjs --bundle <dir> --composition <id> --props <json file> --from <A> --to <B>
//            --out <folder> --browser <chromium path> [--concurrency N]
// Renders frames A..B (inclusive) as PNG files into --out (which must be empty or absent).
// stdout: "frames <total>", then "progress <rendered> <total>" (at most ~10 lines/s),
// then "done <total>"; "error <message>" on failure.
//
// File names are Remotion's: element-<frame>.png, the frame number zero-padded to the number of
// digits of the range's LAST frame (B), not of the video's - e.g. 0..14 gives element-00..14,
// 10..24 gives element-10..24, 95..104 gives element-095..104. Sort by the number in the name.

import fs from 'node:fs';
import path from 'node:path';
import {openBrowser, renderFrames, selectComposition} from '@remotion/renderer';
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
	throttle,
} from './lib/cli.mjs';
import {renderSettings} from './lib/config.mjs';

runMain(async (argv) => {
	const args = parseArgs(argv, {
		bundle: {required: true},
		composition: {required: true},
		props: {},
		from: {required: true},
		to: {required: true},
		out: {required: true},
		browser: {required: true},
		concurrency: {default: '1'},
		...BROWSER_OPTIONS,
	});
	const serveUrl = bundleDir(args.bundle);
	// remotion.config.ts's image format and JPEG quality, as bundle.mjs recorded them.
	const settings = renderSettings(serveUrl);
	const imageFormat = settings.videoImageFormat ?? 'png';
	const inputProps = readProps(args.props);
	const from = intArg('from', args.from);
	const to = intArg('to', args.to);
	if (to < from) {
		throw new Error(`--to ${to} is before --from ${from}`);
	}
	const concurrency = intArg('concurrency', args.concurrency, {min: 1});
	const timeoutInMilliseconds = intArg('timeout', args.timeout, {min: 1});
	const out = path.resolve(args.out);
	fs.mkdirSync(out, {recursive: true});
	if (fs.readdirSync(out).length > 0) {
		throw new Error(`--out ${out} is not empty`);
	}
	const executable = browserExecutable(args.browser);
	const {chromiumOptions, chromeMode, logLevel} = browserSettings(args);
	const total = to - from + 1;
	emit('frames', total);

	const browser = await openBrowser('chrome', {browserExecutable: executable, chromiumOptions, chromeMode, logLevel});
	onCleanup(() => browser.close({silent: true}));

	const composition = await selectComposition({
		serveUrl,
		id: args.composition,
		inputProps,
		puppeteerInstance: browser,
		browserExecutable: executable,
		chromiumOptions,
		chromeMode,
		logLevel,
		timeoutInMilliseconds,
	});
	if (to >= composition.durationInFrames) {
		throw new Error(
			`frame range ${from}-${to} is outside composition ${composition.id} (${composition.durationInFrames} frames)`,
		);
	}

	const progress = throttle((rendered) => emit('progress', rendered, total), 100);
	let rendered = 0;
	progress(true, 0);
	await renderFrames({
		composition,
		serveUrl,
		inputProps,
		outputDir: out,
		imageFormat,
		...(imageFormat === 'jpeg' && settings.jpegQuality !== undefined ? {jpegQuality: settings.jpegQuality} : {}),
		frameRange: [from, to],
		concurrency,
		puppeteerInstance: browser,
		browserExecutable: executable,
		chromiumOptions,
		chromeMode,
		logLevel,
		timeoutInMilliseconds,
		onStart: ({frameCount}) => {
			if (frameCount !== total) {
				throw new Error(`Remotion is rendering ${frameCount} frames, expected ${total}`);
			}
		},
		onFrameUpdate: (framesRendered) => {
			rendered = framesRendered;
			progress(framesRendered === total, framesRendered, total);
		},
	});

	// Exactly one image per frame of the range, and nothing else.
	const files = fs.readdirSync(out);
	const numbers = new Set();
	for (const name of files) {
		const match = new RegExp(`^element-(\\d+)\\.${imageFormat}$`).exec(name);
		if (!match) {
			throw new Error(`unexpected file ${name} in ${out}`);
		}
		numbers.add(Number(match[1]));
	}
	for (let frame = from; frame <= to; frame++) {
		if (!numbers.has(frame)) {
			throw new Error(`frame ${frame} was not written to ${out}`);
		}
	}
	if (files.length !== total) {
		throw new Error(`${out} holds ${files.length} files, expected ${total}`);
	}
	if (rendered !== total) {
		emit('progress', total, total);
	}
	emit('done', total);
});
