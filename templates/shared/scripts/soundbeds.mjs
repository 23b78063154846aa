#!/usr/bin/env node
// Synthesises the pack's sound beds into audio/*.wav (24 kHz, mono, 16-bit PCM, 8 s, loopable).
// Everything is computed here from sine partials and a seeded noise source, so the beds are ours
// to ship, and running this again writes the same bytes.
//   node scripts/soundbeds.mjs
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const RATE = 24000;
const SECONDS = 8;
const N = RATE * SECONDS;
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'audio');

const hz = (semitonesFromA4) => 440 * 2 ** (semitonesFromA4 / 12);

// Seeded noise (mulberry32), for the hats and the shimmer.
const noise = (seed) => () => {
	seed |= 0;
	seed = (seed + 0x6d2b79f5) | 0;
	let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
	t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
};

/** A plucked note (santur / kalimba-like): decaying partials, a touch of inharmonic shimmer. */
const pluck = (buf, start, freq, amp, decay = 2.5, partials = [1, 0.5, 0.25, 0.12]) => {
	const s0 = Math.round(start * RATE);
	const len = Math.min(N - s0, Math.round(RATE * 2.5));
	for (let i = 0; i < len; i++) {
		const t = i / RATE;
		const env = Math.min(1, t * 400) * Math.exp(-decay * t);
		let v = 0;
		partials.forEach((a, k) => {
			v += a * Math.sin(2 * Math.PI * freq * (k + 1) * (1 + k * 0.0007) * t) * Math.exp(-k * 1.5 * t);
		});
		buf[(s0 + i) % N] += amp * env * v;
	}
};

/** A sustained pad: detuned sines swelling over the whole loop (seamless: whole cycles only). */
const pad = (buf, freqs, amp) => {
	for (const f of freqs) {
		for (const detune of [-0.6, 0, 0.6]) {
			// Round to a frequency that completes whole cycles in the loop, so it loops without a click.
			const freq = Math.round((f + detune) * SECONDS) / SECONDS;
			for (let i = 0; i < N; i++) {
				const t = i / RATE;
				const swell = 0.6 + 0.4 * Math.sin((2 * Math.PI * t) / SECONDS);
				buf[i] += (amp / 3) * swell * Math.sin(2 * Math.PI * freq * t);
			}
		}
	}
};

const kick = (buf, start, amp) => {
	const s0 = Math.round(start * RATE);
	for (let i = 0; i < Math.min(N - s0, RATE * 0.35); i++) {
		const t = i / RATE;
		const f = 45 + 90 * Math.exp(-t * 30);
		buf[s0 + i] += amp * Math.exp(-t * 9) * Math.sin(2 * Math.PI * f * t);
	}
};

const hat = (buf, start, amp, rnd) => {
	const s0 = Math.round(start * RATE);
	let prev = 0;
	for (let i = 0; i < Math.min(N - s0, RATE * 0.05); i++) {
		const x = rnd();
		const hp = x - prev; // a crude high-pass: the hiss, not the rumble
		prev = x;
		buf[s0 + i] += amp * Math.exp(-(i / RATE) * 90) * hp;
	}
};

const write = (name, buf) => {
	let peak = 0;
	for (const v of buf) peak = Math.max(peak, Math.abs(v));
	const gain = (10 ** (-3 / 20)) / peak; // peak at -3 dBFS
	const data = Buffer.alloc(44 + N * 2);
	data.write('RIFF', 0);
	data.writeUInt32LE(36 + N * 2, 4);
	data.write('WAVEfmt ', 8);
	data.writeUInt32LE(16, 16);
	data.writeUInt16LE(1, 20); // PCM
	data.writeUInt16LE(1, 22); // mono
	data.writeUInt32LE(RATE, 24);
	data.writeUInt32LE(RATE * 2, 28);
	data.writeUInt16LE(2, 32);
	data.writeUInt16LE(16, 34);
	data.write('data', 36);
	data.writeUInt32LE(N * 2, 40);
	buf.forEach((v, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v * gain)) * 32767), 44 + i * 2));
	fs.mkdirSync(out, {recursive: true});
	fs.writeFileSync(path.join(out, `${name}.wav`), data);
	console.log(`${name}.wav ${data.length} bytes`);
};

// bright: 120 bpm pop bed for promos. C – G – Am – F, plucked eighths, kick on the beat, hats between.
{
	const buf = new Float64Array(N);
	const rnd = noise(18);
	const chords = [
		[-9, -5, -2], // C4 E4 G4 (semitones from A4)
		[-14, -10, -7], // G3 B3 D4
		[-12, -9, -5], // A3 C4 E4
		[-16, -12, -9], // F3 A3 C4
	];
	const beat = 0.5;
	for (let bar = 0; bar < 4; bar++) {
		const chord = chords[bar];
		for (let step = 0; step < 8; step++) {
			const t = bar * 2 + step * 0.25;
			pluck(buf, t, hz(chord[step % 3] + (step >= 4 ? 12 : 0)), 0.22, 5);
			if (step % 2 === 1) hat(buf, t, 0.25, rnd);
		}
		for (let b = 0; b < 4; b++) kick(buf, bar * 2 + b * beat, 0.6);
		pluck(buf, bar * 2, hz(chord[0] - 24), 0.35, 1.5, [1, 0.3]);
	}
	write('bright', buf);
}

// warm: a Nowruz bed in dastgah-e Shur on D (the second degree a quarter-tone flat, as a santur
// plays it), a slow tremolo melody over a drone of D and A.
{
	const buf = new Float64Array(N);
	const D = hz(-7); // D4
	const shur = [0, 1.5, 3, 5, 7, 8, 10, 12].map((s) => D * 2 ** (s / 12)); // D E-koron F G A Bb C D
	pad(buf, [D / 2, (D / 2) * 1.5], 0.18);
	const melody = [4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 0];
	melody.forEach((degree, i) => {
		const t = i * 0.5;
		// santur: each note struck twice quickly
		pluck(buf, t, shur[degree], 0.3, 3.2);
		pluck(buf, t + 0.125, shur[degree], 0.16, 3.2);
		if (i % 4 === 0) pluck(buf, t, shur[degree] / 2, 0.2, 1.8);
	});
	write('warm', buf);
}

// cinematic: a low pad in D minor with a slow shimmer and a soft boom at the top of the loop.
{
	const buf = new Float64Array(N);
	const rnd = noise(7);
	pad(buf, [hz(-31), hz(-24), hz(-19), hz(-12)], 0.22); // D2 A2 D3 F3... a dark open voicing
	kick(buf, 0, 0.9);
	kick(buf, 4, 0.6);
	for (let i = 0; i < N; i++) {
		const t = i / RATE;
		const swell = Math.sin((Math.PI * t) / SECONDS) ** 2;
		buf[i] += 0.03 * swell * rnd();
	}
	[2, 3.5, 5, 6.5].forEach((t, k) => pluck(buf, t, hz(5 + [0, 3, 7, 10][k]), 0.12, 1.2, [1, 0.2]));
	write('cinematic', buf);
}
