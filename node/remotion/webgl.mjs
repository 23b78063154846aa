#!/usr/bin/env node
// webgl.mjs --browser <chromium path> [--gl <renderer>]
// Opens Chromium exactly as the renderer does (Remotion's openBrowser, the same flags) and asks
// a blank page for a WebGL context, which a 3D template needs.
// stdout: "webgl <vendor> | <renderer>" when it has one, "no-webgl <why>" when not;
// "error <message>" when the browser does not start.

import {openBrowser} from '@remotion/renderer';
import {BROWSER_OPTIONS, browserExecutable, browserSettings, emit, onCleanup, parseArgs, runMain} from './lib/cli.mjs';

runMain(async (argv) => {
	const args = parseArgs(argv, {browser: {required: true}, ...BROWSER_OPTIONS});
	const executable = browserExecutable(args.browser);
	const {chromiumOptions, chromeMode, logLevel} = browserSettings(args);
	const browser = await openBrowser('chrome', {browserExecutable: executable, chromiumOptions, chromeMode, logLevel});
	onCleanup(() => browser.close({silent: true}));
	// The renderer's own page API (the one it renders frames with), pinned by the lockfile.
	const page = await browser.newPage({
		context: () => null,
		logLevel,
		indent: false,
		pageIndex: 0,
		onBrowserLog: null,
		onLog: () => undefined,
	});
	const answer = await page.evaluate(() => {
		const canvas = document.createElement('canvas');
		const gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
		if (!gl) {
			return {ok: false, why: 'the browser gives no WebGL context'};
		}
		const info = gl.getExtension('WEBGL_debug_renderer_info');
		const vendor = info ? gl.getParameter(info.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR);
		const renderer = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
		// A context that cannot draw is no context: clear to a colour and read a pixel back.
		gl.clearColor(1, 0, 0, 1);
		gl.clear(gl.COLOR_BUFFER_BIT);
		const pixel = new Uint8Array(4);
		gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
		if (pixel[0] !== 255 || pixel[1] !== 0) {
			return {ok: false, why: `a WebGL context that does not draw (read ${Array.from(pixel)})`};
		}
		return {ok: true, vendor: String(vendor), renderer: String(renderer)};
	});
	if (answer.ok) {
		emit('webgl', `${answer.vendor} | ${answer.renderer}`);
	} else {
		emit('no-webgl', answer.why);
	}
});
