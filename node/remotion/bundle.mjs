#!/usr/bin/env node
// bundle.mjs --entry <template entry, e.g. src/index.ts> --out <empty folder>
//            [--root <template root>] [--public-dir <folder>]
// Bundles a Remotion template into a static site (index.html + bundle.js + public/).
// stdout: "progress <percent>" lines, then "bundled <out dir>"; "error <message>" on failure.

import fs from 'node:fs';
import path from 'node:path';
import {bundle} from '@remotion/bundler';
import {RUNNER_NODE_MODULES, emit, parseArgs, runMain, throttle} from './lib/cli.mjs';

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
			webpackOverride: (config) => ({
				...config,
				resolve: {
					...config.resolve,
					// Templates may live anywhere on disk: let their imports of remotion, react,
					// react-dom, @remotion/* find this runner's packages.
					modules: [...(config.resolve?.modules ?? ['node_modules']), RUNNER_NODE_MODULES],
				},
				resolveLoader: {
					...config.resolveLoader,
					modules: [...(config.resolveLoader?.modules ?? ['node_modules']), RUNNER_NODE_MODULES],
				},
			}),
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
	emit('bundled', path.resolve(outDir));
});
