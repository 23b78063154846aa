// The 3D templates' shared pieces (hero-3d, nowruz-3d, birthday-3d, promo-3d): the studio cube
// map their glossy materials mirror, the post-processing stack (depth of field, bloom, vignette)
// and camera framing per aspect. A separate entry (`@flatrender/template-kit/three`), so the 2D
// templates' bundles never pull in three.js.
import React, {useEffect, useMemo} from 'react';
import {useThree} from '@react-three/fiber';
import {Bloom, DepthOfField, EffectComposer, Vignette} from '@react-three/postprocessing';
import * as THREE from 'three';

/**
 * Reflections come from a small studio drawn here: six 128 px canvas faces of a cube map with
 * soft boxes in the light colours (a white one above, one per coloured light at the sides).
 * Phong materials mirror it directly; a PMREM-filtered environment (three's RoomEnvironment)
 * looked much the same but took about 25 s more per render on SwiftShader, most of it compiling
 * its blur shaders, which would have put a 3D chunk past Remotion's 60 s frame timeout.
 */
export const studio = (light: THREE.Color, metal: THREE.Color, background: THREE.Color): THREE.CubeTexture => {
	const size = 128;
	const hex = (c: THREE.Color, lift = 0) => `#${c.clone().lerp(new THREE.Color('#ffffff'), lift).getHexString()}`;
	const faces = Array.from({length: 6}, (_, face) => {
		const canvas = document.createElement('canvas');
		canvas.width = size;
		canvas.height = size;
		const g = canvas.getContext('2d');
		if (!g) {
			throw new Error('no 2D canvas for the studio environment');
		}
		const base = g.createLinearGradient(0, 0, 0, size);
		base.addColorStop(0, hex(background, 0.06));
		base.addColorStop(1, hex(background, 0));
		g.fillStyle = base;
		g.fillRect(0, 0, size, size);
		// Faces: +x, -x, +y, -y, +z, -z.
		if (face === 2) {
			g.fillStyle = '#ffffff';
			g.fillRect(size * 0.2, size * 0.3, size * 0.6, size * 0.4);
		} else if (face === 0 || face === 4) {
			g.fillStyle = hex(light, 0.3);
			g.fillRect(size * 0.38, size * 0.05, size * 0.18, size * 0.8);
		} else if (face === 1 || face === 5) {
			g.fillStyle = hex(metal, 0.4);
			g.fillRect(size * 0.1, size * 0.2, size * 0.25, size * 0.6);
			g.fillStyle = '#ffffff';
			g.fillRect(size * 0.7, size * 0.1, size * 0.08, size * 0.7);
		}
		return canvas;
	});
	const texture = new THREE.CubeTexture(faces);
	texture.colorSpace = THREE.SRGBColorSpace;
	texture.needsUpdate = true;
	return texture;
};

/** The studio for three colour bindings, made once per set of colours and disposed with it. */
export const useStudio = (light: THREE.Color, metal: THREE.Color, background: THREE.Color): THREE.CubeTexture => {
	const env = useMemo(() => studio(light, metal, background), [light, metal, background]);
	useEffect(() => () => env.dispose(), [env]);
	return env;
};

/** A colour binding as a three.js colour, the same object while the value stays the same. */
export const useColor = (value: string): THREE.Color => useMemo(() => new THREE.Color(value), [value]);

export type PostProps = {
	/** Where depth of field focuses (world space). */
	focus: [number, number, number];
	focalLength?: number;
	bokehScale?: number;
	bloom?: number;
	threshold?: number;
	vignette?: number;
};

/**
 * The pack's cinematic finish: depth of field focused on the subject, bloom on what glows
 * (unlit, not tone-mapped materials brighter than the threshold), a vignette. No multisampling:
 * SwiftShader pays for every sample.
 */
export const PostStack: React.FC<PostProps> = ({focus, focalLength = 0.03, bokehScale = 4, bloom = 1.2, threshold = 0.6, vignette = 0.75}) => (
	<EffectComposer multisampling={0}>
		<DepthOfField target={focus} focalLength={focalLength} bokehScale={bokehScale} />
		<Bloom intensity={bloom} luminanceThreshold={threshold} luminanceSmoothing={0.3} mipmapBlur />
		<Vignette offset={0.25} darkness={vignette} />
	</EffectComposer>
);

/**
 * The camera distance at which a sphere of `radius` fills `fill` of the frame's narrower side,
 * for a vertical field of view `fov` (degrees) and the frame's width/height `aspect`: a portrait
 * frame's narrow horizontal field needs the camera further back than a landscape one.
 */
export const fitDistance = (radius: number, fov: number, aspect: number, fill = 1): number => {
	const vertical = (fov * Math.PI) / 180;
	const horizontal = 2 * Math.atan(Math.tan(vertical / 2) * aspect);
	return radius / fill / Math.sin(Math.min(vertical, horizontal) / 2);
};

/** Points the camera from `position` at `target` each frame (R3F's camera prop only sets it once). */
export const useAim = (position: [number, number, number], target: [number, number, number]): void => {
	const {camera} = useThree();
	const [px, py, pz] = position;
	const [tx, ty, tz] = target;
	useEffect(() => {
		camera.position.set(px, py, pz);
		camera.lookAt(tx, ty, tz);
	}, [camera, px, py, pz, tx, ty, tz]);
};

/**
 * A static camera for a subject at the world origin, seen from `distance` away and `tilt`
 * radians above the horizon, moved sideways and up or down (never turned) so that the origin
 * lands at `place` (fractions of the frame, from the top left): the frame's free side is left for
 * the text without the perspective changing. For ThreeCanvas's `camera` prop: the camera never
 * moves with the frame (the scene does), so no frame depends on an effect having run.
 */
export const placedCamera = (
	fov: number,
	aspect: number,
	distance: number,
	tilt: number,
	place: {x: number; y: number},
): {fov: number; position: [number, number, number]; rotation: [number, number, number]; near: number; far: number} => {
	const half = Math.tan((fov * Math.PI) / 360) * distance;
	const dx = -(2 * place.x - 1) * half * aspect;
	const dy = -(1 - 2 * place.y) * half;
	// The camera's own right is +x; its up is (0, cos tilt, -sin tilt).
	return {
		fov,
		near: 0.1,
		far: distance * 6,
		position: [dx, Math.sin(tilt) * distance + dy * Math.cos(tilt), Math.cos(tilt) * distance - dy * Math.sin(tilt)],
		rotation: [-tilt, 0, 0],
	};
};
