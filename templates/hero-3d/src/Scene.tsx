import React from 'react';
import {interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import * as THREE from 'three';
import {PostStack, useAim, useColor, useStudio} from '@flatrender/template-kit/three';

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
 * The reflections come from the pack's studio cube map (`studio()` in the shared library), which
 * Phong materials mirror without PMREM. Everything moves with the frame number only, so any
 * frame renders the same on any node.
 */
export const Scene: React.FC<SceneProps> = ({primary, secondary, background, offsetX, distance}) => {
	const frame = useCurrentFrame();
	const {fps, durationInFrames} = useVideoConfig();
	const rise = spring({frame: frame - 2, fps, config: {damping: 16, stiffness: 70}});
	const turn = interpolate(frame, [0, durationInFrames], [-0.6, 1.4]);
	const orbit = (frame / durationInFrames) * Math.PI * 0.5;

	useAim([Math.sin(orbit * 0.3) * 1.2, 1.1, distance], [0, 0.6, 0]);

	const metal = useColor(primary);
	const light = useColor(secondary);
	const bg = useColor(background);
	const env = useStudio(light, metal, bg);

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
			{/* Focused on the sculpture; the satellites in front and behind it go soft. */}
			<PostStack focus={[offsetX, 0.6, 0]} />
		</>
	);
};
