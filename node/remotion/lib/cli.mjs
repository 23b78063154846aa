// Shared plumbing for the runner's command-line scripts.
//
// Protocol: stdout carries ONLY machine-readable lines for the Java supervisor
// ("progress ...", "done ...", "error <one line>", ...). Everything else - Remotion's own
// logging, browser console output, stack traces - goes to stderr. To keep stdout clean even
// when a library calls console.log, console.log/info/debug are redirected to stderr here.

import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const stdoutWrite = process.stdout.write.bind(process.stdout);

for (const method of ['log', 'info', 'debug', 'trace']) {
	// eslint-disable-next-line no-console
	console[method] = console.error.bind(console);
}

// A closed stdout (supervisor gone) must not crash the runner with EPIPE.
process.stdout.on('error', () => {});

/** Absolute path of this runner's folder (the one holding package.json and node_modules). */
export const RUNNER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RUNNER_NODE_MODULES = path.join(RUNNER_DIR, 'node_modules');

// Once the final error line is out, nothing more goes to stdout (late progress callbacks).
let silenced = false;

/** Writes one protocol line to stdout. */
export const emit = (...parts) => {
	if (silenced) {
		return;
	}
	const line = parts.map(String).join(' ').replace(/[\r\n]+/g, ' ');
	stdoutWrite(line + '\n');
};

/** Makes an error a single line suitable for `error <message>`. */
export const oneLine = (err) => {
	let message;
	if (err instanceof Error) {
		message = err.message || err.name || String(err);
	} else if (typeof err === 'string') {
		message = err;
	} else {
		try {
			message = JSON.stringify(err);
		} catch {
			message = String(err);
		}
	}
	message = String(message).replace(/\u001b\[[0-9;]*m/g, '').replace(/\s+/g, ' ').trim();
	if (message.length === 0) {
		message = 'unknown error';
	}
	return message.length > 2000 ? message.slice(0, 2000) + '...' : message;
};

/**
 * Parses `--flag value` arguments. `spec` maps flag names (without dashes) to
 * {required?: boolean, default?: string}. Unknown flags and missing values are errors.
 */
export const parseArgs = (argv, spec) => {
	const result = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) {
			throw new Error(`unexpected argument "${arg}" (expected --flag value)`);
		}
		let name = arg.slice(2);
		let value;
		const eq = name.indexOf('=');
		if (eq >= 0) {
			value = name.slice(eq + 1);
			name = name.slice(0, eq);
		} else {
			if (i + 1 >= argv.length) {
				throw new Error(`missing value for --${name}`);
			}
			value = argv[++i];
		}
		if (!Object.prototype.hasOwnProperty.call(spec, name)) {
			throw new Error(`unknown option --${name} (known: ${Object.keys(spec).map((k) => '--' + k).join(', ')})`);
		}
		result[name] = value;
	}
	for (const [name, options] of Object.entries(spec)) {
		if (result[name] === undefined) {
			if (options.default !== undefined) {
				result[name] = options.default;
			} else if (options.required) {
				throw new Error(`missing required option --${name}`);
			}
		}
	}
	return result;
};

/** Parses a non-negative integer option. */
export const intArg = (name, value, {min = 0} = {}) => {
	if (!/^\d+$/.test(String(value))) {
		throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
	}
	const n = Number(value);
	if (!Number.isSafeInteger(n) || n < min) {
		throw new Error(`--${name} must be an integer >= ${min}, got "${value}"`);
	}
	return n;
};

/** Reads input props from a JSON file (an object); no file means {}. */
export const readProps = (file) => {
	if (file === undefined || file === null || file === '') {
		return {};
	}
	let text;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (err) {
		throw new Error(`cannot read props file ${file}: ${oneLine(err)}`);
	}
	let props;
	try {
		props = JSON.parse(text);
	} catch (err) {
		throw new Error(`props file ${file} is not valid JSON: ${oneLine(err)}`);
	}
	if (props === null || typeof props !== 'object' || Array.isArray(props)) {
		throw new Error(`props file ${file} must hold a JSON object`);
	}
	return props;
};

/** Checks that --bundle points at a bundle made by bundle.mjs and returns its absolute path. */
export const bundleDir = (dir) => {
	const abs = path.resolve(dir);
	if (!fs.existsSync(path.join(abs, 'index.html'))) {
		throw new Error(`no Remotion bundle at ${abs} (index.html missing; run bundle.mjs first)`);
	}
	return abs;
};

/** Checks that --browser is an executable file. */
export const browserExecutable = (file) => {
	const abs = path.resolve(file);
	try {
		fs.accessSync(abs, fs.constants.X_OK);
	} catch {
		throw new Error(`browser ${abs} does not exist or is not executable`);
	}
	return abs;
};

/**
 * Browser settings for a GPU-less Linux box where the runner may be root.
 *
 * - Remotion itself always launches Chromium with --no-sandbox and --disable-setuid-sandbox (plus
 *   --no-zygote, --disable-dev-shm-usage), so running as root works without extra flags.
 * - chromeMode 'chrome-for-testing' makes Remotion pass --headless=new, the only headless mode of a
 *   full Chromium build >= 132 such as Debian's /usr/bin/chromium ('headless-shell' passes
 *   --headless=old, meant for Google's separate chrome-headless-shell binary).
 * - gl: default null = no --use-gl flag, Chromium picks: on a machine without a GPU it composites
 *   in software and still offers WebGL through SwiftShader. Measured on Debian 12 / Chromium 150:
 *   ~2x faster than 'swangle' and byte-identical frames across runs and across chunk boundaries.
 *   'swangle' (--use-gl=angle --use-angle=swiftshader, Remotion's Lambda choice) forces SwiftShader
 *   even where a GPU exists, but renders ~2x slower here and differs by +-1 level between chunks.
 *   Every node of one job must use the same setting (null vs swangle differ by ~50 dB PSNR).
 */
export const browserSettings = (args) => {
	const gl = ['null', 'default', 'auto', '', undefined].includes(args.gl) ? null : args.gl;
	return {
		chromiumOptions: {
			gl,
			headless: true,
			ignoreCertificateErrors: false,
			disableWebSecurity: false,
			enableMultiProcessOnLinux: true,
		},
		chromeMode: args['chrome-mode'] ?? 'chrome-for-testing',
		logLevel: args['log-level'] ?? 'warn',
	};
};

/** Optional flags every browser-using script accepts. */
export const BROWSER_OPTIONS = {
	gl: {default: 'null'},
	'chrome-mode': {default: 'chrome-for-testing'},
	'log-level': {default: 'warn'},
	timeout: {default: '60000'},
};

const cleanups = [];

/** Registers something to undo on exit or on SIGTERM/SIGINT (e.g. closing the browser). */
export const onCleanup = (fn) => {
	cleanups.push(fn);
};

const runCleanups = async () => {
	const pending = cleanups.splice(0).reverse();
	for (const fn of pending) {
		try {
			await Promise.race([
				Promise.resolve().then(fn),
				new Promise((resolve) => setTimeout(resolve, 5000).unref()),
			]);
		} catch (err) {
			process.stderr.write(`cleanup failed: ${err?.stack ?? err}\n`);
		}
	}
};

let finished = false;

const fail = async (err) => {
	if (finished) {
		return;
	}
	finished = true;
	emit('error', oneLine(err));
	silenced = true;
	process.stderr.write(`${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
	// Never hang on exit, even if closing the browser does.
	setTimeout(() => process.exit(1), 10000).unref();
	await runCleanups();
	process.exit(1);
};

/** Runs an async main(args) and exits: 0 on success, 1 with an `error` line on failure. */
export const runMain = (main) => {
	process.on('uncaughtException', fail);
	process.on('unhandledRejection', fail);
	for (const [signal, code] of [
		['SIGTERM', 143],
		['SIGINT', 130],
	]) {
		process.on(signal, async () => {
			if (finished) {
				return;
			}
			finished = true;
			emit('error', `interrupted by ${signal}`);
			silenced = true;
			setTimeout(() => process.exit(code), 5000).unref();
			await runCleanups();
			process.exit(code);
		});
	}
	Promise.resolve()
		.then(() => main(process.argv.slice(2)))
		.then(
			async () => {
				if (finished) {
					return;
				}
				finished = true;
				setTimeout(() => process.exit(0), 10000).unref();
				await runCleanups();
				process.exit(0);
			},
			(err) => fail(err),
		);
};

/** Calls fn at most every `intervalMs`, but always lets a `force`d call through. */
export const throttle = (fn, intervalMs = 100) => {
	let last = 0;
	return (force, ...args) => {
		const now = Date.now();
		if (force || now - last >= intervalMs) {
			last = now;
			fn(...args);
		}
	};
};
