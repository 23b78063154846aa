#!/usr/bin/env node
// bundle.mjs --entry <template entry, e.g. src/index.ts> --out <empty folder>
//            [--root <template root>] [--public-dir <folder>] [--node-modules <folder>]
// Bundles a Remotion template into a static site (index.html + bundle.js + public/).
// stdout: "bundler <version> <own|runner>", "config <json>" (when the template has a
// remotion.config.ts), "progress <percent>" lines, then "bundled <out dir>"; "error <message>" on
// failure.

import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {RUNNER_NODE_MODULES, emit, parseArgs, runMain, throttle} from './lib/cli.mjs';
import {HONOURED, IGNORED_BECAUSE, IGNORED_WHY, RENDER_SETTINGS, findConfig, loadConfig} from './lib/config.mjs';

const runnerRequire = createRequire(import.meta.url);

/** A require that resolves packages from inside the node_modules folder `modules`. */
const requireFrom = (modules) => createRequire(path.join(path.dirname(modules), 'package.json'));

const versionIn = (modules, name) => {
	const file = path.join(modules, name, 'package.json');
	return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).version : null;
};

const major = (version) => version.split('.')[0];

/** The template's root: the closest folder above the entry with template.json, else package.json. */
const findRoot = (entry) => {
	for (const marker of ['template.json', 'package.json']) {
		let dir = path.dirname(entry);
		for (;;) {
			if (fs.existsSync(path.join(dir, marker))) {
				return dir;
			}
			const parent = path.dirname(dir);
			if (parent === dir) {
				break;
			}
			dir = parent;
		}
	}
	return path.dirname(entry);
};

runMain(async (argv) => {
	const args = parseArgs(argv, {
		entry: {required: true},
		out: {required: true},
		root: {},
		'public-dir': {},
		// The template's own dependencies, installed from its lockfile (tools' TemplateDependencies):
		// its imports resolve there, and its own @remotion/bundler bundles it when it has one.
		'node-modules': {},
	});
	const entry = path.resolve(args.entry);
	if (!fs.statSync(entry, {throwIfNoEntry: false})?.isFile()) {
		throw new Error(`entry file ${entry} does not exist`);
	}
	const out = path.resolve(args.out);
	if (fs.existsSync(out)) {
		if (!fs.statSync(out).isDirectory()) {
			throw new Error(`--out ${out} exists and is not a folder`);
		}
		if (fs.readdirSync(out).length > 0) {
			throw new Error(`--out ${out} is not empty`);
		}
	}
	// Remotion would take the closest package.json as the root (which, for templates kept inside
	// this runner's folder, is the runner itself); the root decides where public/ comes from.
	const root = args.root ? path.resolve(args.root) : findRoot(entry);
	const publicDir = args['public-dir'] ? path.resolve(args['public-dir']) : path.join(root, 'public');

	const own = args['node-modules'] ? path.resolve(args['node-modules']) : null;
	if (own && !fs.statSync(own, {throwIfNoEntry: false})?.isDirectory()) {
		throw new Error(`--node-modules ${own} is not a folder`);
	}
	const renderer = versionIn(RUNNER_NODE_MODULES, '@remotion/renderer');
	const ownRemotion = own ? versionIn(own, 'remotion') : null;
	if (ownRemotion && major(ownRemotion) !== major(renderer)) {
		throw new Error(
			`the template depends on remotion ${ownRemotion}, but the farm renders with @remotion/renderer ${renderer}: ` +
				`move the template to remotion ${major(renderer)}.x`,
		);
	}
	const ownBundler = own ? versionIn(own, '@remotion/bundler') : null;
	const bundlerPath = ownBundler
		? requireFrom(own).resolve('@remotion/bundler')
		: runnerRequire.resolve('@remotion/bundler');
	const {bundle} = await import(pathToFileURL(bundlerPath).href);
	emit('bundler', ownBundler ?? versionIn(RUNNER_NODE_MODULES, '@remotion/bundler'), ownBundler ? 'own' : 'runner');

	const configFile = findConfig(root);
	const config = configFile
		? await loadConfig(configFile, createRequire(bundlerPath)('esbuild'))
		: {webpackOverrides: [], render: {}, honoured: [], ignored: []};
	if (configFile) {
		emit(
			'config',
			JSON.stringify({
				file: path.basename(configFile),
				honoured: Object.fromEntries(config.honoured.map((name) => [name, HONOURED[name]])),
				ignored: Object.fromEntries(config.ignored.map((name) => [name, IGNORED_WHY[name] ?? IGNORED_BECAUSE])),
			}),
		);
	}

	const progress = throttle((percent) => emit('progress', percent), 100);
	let lastPercent = -1;
	let outDir;
	try {
		outDir = await bundle({
			entryPoint: entry,
			outDir: out,
			rootDir: root,
			publicDir,
			// No webpack cache: it would be written into <root>/node_modules/.cache of the template.
			enableCaching: false,
			onProgress: (percent) => {
				const p = Math.max(0, Math.min(100, Math.round(percent)));
				if (p !== lastPercent) {
					lastPercent = p;
					progress(p === 100, p);
				}
			},
			webpackOverride: async (webpackConfig) => {
				// Templates without their own dependencies may live anywhere on disk: let their
				// imports of remotion, react, react-dom, @remotion/* find this runner's packages. A
				// template with its own gets only those (a missing one is an error, not the runner's).
				let result = own
					? webpackConfig
					: {
							...webpackConfig,
							resolve: {
								...webpackConfig.resolve,
								modules: [...(webpackConfig.resolve?.modules ?? ['node_modules']), RUNNER_NODE_MODULES],
							},
							resolveLoader: {
								...webpackConfig.resolveLoader,
								modules: [
									...(webpackConfig.resolveLoader?.modules ?? ['node_modules']),
									RUNNER_NODE_MODULES,
								],
							},
						};
				// remotion.config.ts's Config.overrideWebpackConfig, in the order it made them.
				for (const override of config.webpackOverrides) {
					result = await override(result);
				}
				return result;
			},
		});
	} catch (err) {
		// Webpack errors come as "<message>\n<resolver details>"; the details can be pages long.
		const first = String(err?.message ?? err).split('\n').find((line) => line.trim().length > 0);
		const short = new Error(first ?? String(err));
		short.stack = err?.stack ?? String(err);
		throw short;
	}
	if (lastPercent !== 100) {
		emit('progress', 100);
	}
	if (!fs.existsSync(path.join(outDir, 'index.html'))) {
		throw new Error(`bundling finished but ${outDir} has no index.html`);
	}
	// What frames.mjs takes from remotion.config.ts (image format, JPEG quality).
	fs.writeFileSync(path.join(outDir, RENDER_SETTINGS), JSON.stringify(config.render) + '\n');
	emit('bundled', path.resolve(outDir));
});
