#!/usr/bin/env node
// audio.mjs --bundle <dir> --composition <id> --props <json file> --out <file.wav>
//           --browser <chromium path> [--from <A> --to <B>]
// Renders the composition's audio only, as 16-bit PCM WAV (48 kHz stereo), covering frames A..B
// (default: the whole composition) in one pass, so there is no seam in it. stdout: "progress <percent>" lines, then "audio <out file>", or
// "audio silent" when the composition has no (audible) audio - the WAV is then still written,
// silent, with the composition's duration; "error <message>" on failure.

import fs from 'node:fs';
import path from 'node:path';
import {openBrowser, renderMedia, selectComposition} from '@remotion/renderer';
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

const SAMPLE_RATE = 48000;
const CHANNELS = 2;

/** Finds the "data" chunk of a RIFF/WAVE file: {offset, length, sampleRate, channels, bits}. */
const parseWav = (buffer) => {
	if (buffer.length < 12 || buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 8, 12) !== 'WAVE') {
		throw new Error('the rendered audio is not a RIFF/WAVE file');
	}
	let pos = 12;
	let fmt = null;
	while (pos + 8 <= buffer.length) {
		const id = buffer.toString('ascii', pos, pos + 4);
		let size = buffer.readUInt32LE(pos + 4);
		const body = pos + 8;
		if (id === 'fmt ') {
			fmt = {
				channels: buffer.readUInt16LE(body + 2),
				sampleRate: buffer.readUInt32LE(body + 4),
				bits: buffer.readUInt16LE(body + 14),
			};
		} else if (id === 'data') {
			if (!fmt) {
				throw new Error('WAV data chunk before fmt chunk');
			}
			// ffmpeg may leave 0xFFFFFFFF / 0 sizes when it cannot seek; use what is there.
			if (size === 0 || body + size > buffer.length) {
				size = buffer.length - body;
			}
			return {...fmt, offset: body, length: size};
		}
		pos = body + size + (size % 2);
	}
	throw new Error('WAV file has no data chunk');
};

/** A silent 16-bit PCM WAV of the given number of sample frames. */
const silentWav = (sampleFrames, sampleRate = SAMPLE_RATE, channels = CHANNELS) => {
	const dataLength = sampleFrames * channels * 2;
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'ascii');
	header.writeUInt32LE(36 + dataLength, 4);
	header.write('WAVE', 8, 'ascii');
	header.write('fmt ', 12, 'ascii');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(channels, 22);
	header.writeUInt32LE(sampleRate, 24);
	header.writeUInt32LE(sampleRate * channels * 2, 28);
	header.writeUInt16LE(channels * 2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36, 'ascii');
	header.writeUInt32LE(dataLength, 40);
	return Buffer.concat([header, Buffer.alloc(dataLength)]);
};

runMain(async (argv) => {
	const args = parseArgs(argv, {
		bundle: {required: true},
		composition: {required: true},
		props: {},
		out: {required: true},
		browser: {required: true},
		from: {},
		to: {},
		concurrency: {default: '1'},
		...BROWSER_OPTIONS,
	});
	const serveUrl = bundleDir(args.bundle);
	const inputProps = readProps(args.props);
	const out = path.resolve(args.out);
	fs.mkdirSync(path.dirname(out), {recursive: true});
	const concurrency = intArg('concurrency', args.concurrency, {min: 1});
	const timeoutInMilliseconds = intArg('timeout', args.timeout, {min: 1});
	const executable = browserExecutable(args.browser);
	const {chromiumOptions, chromeMode, logLevel} = browserSettings(args);

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

	const last = composition.durationInFrames - 1;
	const from = args.from === undefined ? 0 : intArg('from', args.from);
	const to = args.to === undefined ? last : intArg('to', args.to);
	if (from > to || to > last) {
		throw new Error(`frames ${from}-${to} are not within the composition's 0-${last}`);
	}

	// Render next to the target, then move into place, so a failed run leaves no partial file.
	const temp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.tmp.wav`);
	onCleanup(() => fs.rmSync(temp, {force: true}));
	const progress = throttle((percent) => emit('progress', percent), 100);
	let lastPercent = -1;
	await renderMedia({
		composition,
		serveUrl,
		inputProps,
		codec: 'wav',
		audioCodec: 'pcm-16',
		outputLocation: temp,
		overwrite: true,
		enforceAudioTrack: true,
		frameRange: [from, to],
		concurrency,
		puppeteerInstance: browser,
		browserExecutable: executable,
		chromiumOptions,
		chromeMode,
		logLevel,
		timeoutInMilliseconds,
		onProgress: ({progress: p}) => {
			const percent = Math.max(0, Math.min(100, Math.floor(p * 100)));
			if (percent !== lastPercent) {
				lastPercent = percent;
				progress(percent === 100, percent);
			}
		},
	});

	const expectedSampleFrames = Math.round(((to - from + 1) / composition.fps) * SAMPLE_RATE);
	let wav = fs.existsSync(temp) ? fs.readFileSync(temp) : null;
	let silent = true;
	if (wav) {
		const info = parseWav(wav);
		if (info.bits !== 16) {
			throw new Error(`expected 16-bit PCM audio, got ${info.bits}-bit`);
		}
		const data = wav.subarray(info.offset, info.offset + info.length);
		for (let i = 0; i < data.length; i++) {
			if (data[i] !== 0) {
				silent = false;
				break;
			}
		}
	}
	if (silent) {
		// No audio at all (or only silence): write a clean silent WAV of the full duration.
		wav = silentWav(expectedSampleFrames);
		fs.writeFileSync(temp, wav);
	}
	fs.renameSync(temp, out);
	if (lastPercent !== 100) {
		emit('progress', 100);
	}
	emit('audio', silent ? 'silent' : out);
});
