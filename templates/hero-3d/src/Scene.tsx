import React, {useEffect, useMemo} from 'react';
import {useThree} from '@react-three/fiber';
import {Bloom, DepthOfField, EffectComposer, Vignette} from '@react-three/postprocessing';
import {interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import * as THREE from 'three';

export type SceneProps = {
	primary: string;
	secondary: string;
	background: string;
	/** Where the sculpture stands in view space (x), so the title has its side of the frame. */
	offsetX: number;
	/** Camera distance: portrait frames need it further back to keep the sculpture whole. */
	distance: number;
};

/**
 * Reflections come from a small studio drawn here: six 128 px canvas faces of a cube map with
 * soft boxes in the light colours (a white one above, one per coloured light at the sides).
 * Phong materials mirror it directly; a PMREM-filtered environment (three's RoomEnvironment)
 * looked much the same but took about 25 s more per render on SwiftShader, most of it compiling
 * its blur shaders, which would have put a 3D chunk past Remotion's 60 s frame timeout.
 * Everything moves with the frame number only, so any frame renders the same on any node.
 */
const studio = (light: THREE.Color, metal: THREE.Color, background: THREE.Color): THREE.CubeTexture => {
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

export const Scene: React.FC<SceneProps> = ({primary, secondary, background, offsetX, distance}) => {
	const frame = useCurrentFrame();
	const {fps, durationInFrames} = useVideoConfig();
	const {camera} = useThree();
	const rise = spring({frame: frame - 2, fps, config: {damping: 16, stiffness: 70}});
	const turn = interpolate(frame, [0, durationInFrames], [-0.6, 1.4]);
	const orbit = (frame / durationInFrames) * Math.PI * 0.5;

	useEffect(() => {
		camera.position.set(Math.sin(orbit * 0.3) * 1.2, 1.1, distance);
		camera.lookAt(0, 0.6, 0);
	}, [camera, orbit, distance]);

	const metal = useMemo(() => new THREE.Color(primary), [primary]);
	const light = useMemo(() => new THREE.Color(secondary), [secondary]);
	const bg = useMemo(() => new THREE.Color(background), [background]);
	const env = useMemo(() => studio(light, metal, bg), [light, metal, bg]);
	useEffect(() => () => env.dispose(), [env]);

	return (
		<>
			<color attach="background" args={[bg]} />
			<fog attach="fog" args={[bg, distance + 2, distance + 12]} />
			<ambientLight intensity={0.7} />
			<hemisphereLight args={[light, bg, 0.6]} />
			<pointLight position={[3, 4, 2]} intensity={40} color={light} />
			<pointLight position={[-3, 2, -2]} intensity={25} color={metal} />
			<spotLight position={[0, 8, 3]} angle={0.5} penumbra={0.8} intensity={60} />
			<group position={[offsetX, -0.2 + rise * 0.9, 0]} rotation={[0.25, turn, 0]} scale={0.4 + 0.6 * rise}>
				<mesh castShadow>
					<torusKnotGeometry args={[0.7, 0.24, 220, 32, 2, 3]} />
					<meshPhongMaterial color={metal} specular={new THREE.Color('#ffffff')} shininess={80} envMap={env} reflectivity={0.22} combine={THREE.MixOperation} />
				</mesh>
				<mesh rotation={[Math.PI / 2, 0, frame / 40]}>
					<torusGeometry args={[1.45, 0.03, 16, 160]} />
					<meshBasicMaterial color={light.clone().multiplyScalar(3)} toneMapped={false} />
				</mesh>
			</group>
			{/* Small glowing satellites at different depths: what depth of field blurs. */}
			{Array.from({length: 7}, (_, i) => {
				const a = (i / 7) * Math.PI * 2 + frame / 50;
				return (
					<mesh key={i} position={[offsetX + Math.cos(a) * 2.4, 0.8 + Math.sin(a * 2) * 0.5, Math.sin(a) * 2.4]}>
						<sphereGeometry args={[0.07, 16, 16]} />
						<meshBasicMaterial color={light.clone().multiplyScalar(4)} toneMapped={false} />
					</mesh>
				);
			})}
			<mesh rotation={[-Math.PI / 2, 0, 0]} position={[0, -1.1, 0]}>
				<planeGeometry args={[40, 40]} />
				<meshPhongMaterial color={bg} specular={new THREE.Color('#333333')} shininess={40} envMap={env} reflectivity={0.05} combine={THREE.MixOperation} />
			</mesh>
			<EffectComposer multisampling={0}>
				{/* Focused on the sculpture; the satellites in front and behind it go soft. */}
				<DepthOfField target={[offsetX, 0.6, 0]} focalLength={0.03} bokehScale={4} />
				<Bloom intensity={1.2} luminanceThreshold={0.6} luminanceSmoothing={0.3} mipmapBlur />
				<Vignette offset={0.25} darkness={0.75} />
			</EffectComposer>
		</>
	);
};
