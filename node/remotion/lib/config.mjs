// Reads a template's remotion.config.ts (or .js) the way Remotion's CLI would, without the CLI:
// the file is compiled with esbuild and run with `@remotion/cli/config` (and the old
// `import {Config} from 'remotion'`) answered by a recorder, so every Config.xxx(...) call it
// makes is seen. What applies to a farm render is returned; everything else is listed as ignored.

import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

export const CONFIG_FILES = ['remotion.config.ts', 'remotion.config.js', 'remotion.config.mjs'];

/**
 * What a farm render takes from the config, and why the rest is left. The farm encodes, sizes,
 * chunks and schedules a job itself, so codec, CRF, output, concurrency, browser and studio
 * settings are its own; the bundle (webpack override, entry) and the frames Chromium draws
 * (image format, JPEG quality) are the template's.
 */
export const HONOURED = {
	overrideWebpackConfig: 'applied when bundling',
	setVideoImageFormat: 'the format Chromium writes frames in (png or jpeg)',
	setImageFormat: 'the format Chromium writes frames in (png or jpeg), the old name',
	setJpegQuality: 'the quality of jpeg frames',
};

export const IGNORED_BECAUSE = 'the farm decides it (encoding, output, concurrency, browser and studio are its own)';

/** Settings a farm could mistake for honoured, with why they are not. */
export const IGNORED_WHY = {
	setStillImageFormat:
		"a farm still (a cover, a snapshot) is a frame of the video's path, drawn in the video's image format",
};

/** Finds the config file at the template root, or null. */
export const findConfig = (root) => {
	for (const name of CONFIG_FILES) {
		const file = path.join(root, name);
		if (fs.existsSync(file)) {
			return file;
		}
	}
	return null;
};

/**
 * Runs the config file and returns {webpackOverrides: [fn], render: {videoImageFormat?,
 * jpegQuality?}, honoured: [name], ignored: [name]}.
 */
export const loadConfig = async (file, esbuild) => {
	const calls = [];
	const Config = new Proxy(
		{},
		{
			get: (_target, name) =>
				typeof name === 'string'
					? (...args) => {
							calls.push({name, args});
						}
					: undefined,
		},
	);
	const compiled = await esbuild.build({
		entryPoints: [file],
		bundle: true,
		write: false,
		platform: 'node',
		format: 'cjs',
		target: 'node18',
		packages: 'external',
		logLevel: 'silent',
	});
	const code = compiled.outputFiles[0].text;
	const templateRequire = createRequire(file);
	const require = (name) => {
		if (name === '@remotion/cli/config' || name === '@remotion/cli') {
			return {Config};
		}
		if (name === 'remotion') {
			// Remotion 2/3 projects configured through remotion's own Config.
			return {...templateRequire('remotion'), Config};
		}
		return templateRequire(name);
	};
	const module = {exports: {}};
	vm.runInThisContext(`(function (require, module, exports, __filename, __dirname) {${code}\n})`, {
		filename: file,
	})(require, module, module.exports, file, path.dirname(file));

	const result = {webpackOverrides: [], render: {}, honoured: [], ignored: []};
	for (const {name, args} of calls) {
		const format = (value) => {
			if (value !== 'png' && value !== 'jpeg') {
				throw new Error(`${path.basename(file)}: Config.${name}('${value}'): the farm renders png or jpeg frames`);
			}
			return value;
		};
		switch (name) {
			case 'overrideWebpackConfig':
				if (typeof args[0] !== 'function') {
					throw new Error(`${path.basename(file)}: Config.overrideWebpackConfig needs a function`);
				}
				result.webpackOverrides.push(args[0]);
				break;
			case 'setVideoImageFormat':
			case 'setImageFormat':
				result.render.videoImageFormat = format(args[0]);
				break;
			case 'setJpegQuality':
				if (!Number.isInteger(args[0]) || args[0] < 0 || args[0] > 100) {
					throw new Error(`${path.basename(file)}: Config.setJpegQuality(${args[0]}) must be 0-100`);
				}
				result.render.jpegQuality = args[0];
				break;
			default:
				if (!result.ignored.includes(name)) {
					result.ignored.push(name);
				}
				continue;
		}
		if (!result.honoured.includes(name)) {
			result.honoured.push(name);
		}
	}
	return result;
};

/** The render settings bundle.mjs writes next to the bundle's index.html for frames.mjs. */
export const RENDER_SETTINGS = 'flatrender-render.json';

/** Reads the bundle's render settings ({} when it has none). */
export const renderSettings = (bundle) => {
	const file = path.join(bundle, RENDER_SETTINGS);
	if (!fs.existsSync(file)) {
		return {};
	}
	return JSON.parse(fs.readFileSync(file, 'utf8'));
};
