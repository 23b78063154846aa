import React, {useEffect, useMemo} from 'react';
import {useThree} from '@react-three/fiber';
import {Bloom, DepthOfField, EffectComposer, Vignette} from '@react-three/postprocessing';
import {interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import * as THREE from 'three';
import {RoomEnvironment} from 'three/examples/jsm/environments/RoomEnvironment.js';

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
 * Reflections come from a room environment map (PMREM-filtered once): the metal and the glossy
 * floor mirror it, and the coloured lights add their highlights. Everything moves with the frame
 * number only, so any frame renders the same on any node.
 */
const Environment: React.FC = () => {
	const {gl} = useThree();
	// Made while rendering, not in an effect, so the very first frame already reflects it.
	const texture = useMemo(() => {
		const pmrem = new THREE.PMREMGenerator(gl);
		const made = pmrem.fromScene(new RoomEnvironment(), 0.04).texture;
		pmrem.dispose();
		return made;
	}, [gl]);
	useEffect(() => () => texture.dispose(), [texture]);
	return <primitive object={texture} attach="environment" />;
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

	return (
		<>
			<color attach="background" args={[bg]} />
			<fog attach="fog" args={[bg, distance + 2, distance + 12]} />
			<Environment />
			<ambientLight intensity={0.15} />
			<pointLight position={[3, 4, 2]} intensity={40} color={light} />
			<pointLight position={[-3, 2, -2]} intensity={25} color={metal} />
			<spotLight position={[0, 8, 3]} angle={0.5} penumbra={0.8} intensity={60} />
			<group position={[offsetX, -0.2 + rise * 0.9, 0]} rotation={[0.25, turn, 0]} scale={0.4 + 0.6 * rise}>
				<mesh castShadow>
					<torusKnotGeometry args={[0.7, 0.24, 220, 32, 2, 3]} />
					<meshPhysicalMaterial color={metal} metalness={0.65} roughness={0.22} clearcoat={1} clearcoatRoughness={0.08} envMapIntensity={1.4} />
				</mesh>
				<mesh rotation={[Math.PI / 2, 0, frame / 40]}>
					<torusGeometry args={[1.45, 0.03, 16, 160]} />
					<meshStandardMaterial color={light} emissive={light} emissiveIntensity={3} toneMapped={false} />
				</mesh>
			</group>
			{/* Small glowing satellites at different depths: what depth of field blurs. */}
			{Array.from({length: 7}, (_, i) => {
				const a = (i / 7) * Math.PI * 2 + frame / 50;
				return (
					<mesh key={i} position={[offsetX + Math.cos(a) * 2.4, 0.8 + Math.sin(a * 2) * 0.5, Math.sin(a) * 2.4]}>
						<sphereGeometry args={[0.07, 16, 16]} />
						<meshStandardMaterial color={light} emissive={light} emissiveIntensity={4} toneMapped={false} />
					</mesh>
				);
			})}
			<mesh rotation={[-Math.PI / 2, 0, 0]} position={[0, -1.1, 0]}>
				<planeGeometry args={[40, 40]} />
				<meshStandardMaterial color={bg} metalness={0.9} roughness={0.25} envMapIntensity={0.35} />
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
