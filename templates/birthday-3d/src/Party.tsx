import React, {useMemo} from 'react';
import {interpolate, random, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import * as THREE from 'three';
import {PostStack, useColor, useStudio} from '@flatrender/template-kit/three';

export const FOV = 34;

export type PartyProps = {
	primary: string;
	secondary: string;
	background: string;
	/** How far out the balloons stand (1: all round the cake; less keeps them off the text's side). */
	spread: number;
};

const WHITE = new THREE.Color('#ffffff');
const CREAM = new THREE.Color('#fff4e6');
const CANDLES = 5;

/**
 * A two-tier cake on a glass stand, its candles flickering (bloom makes the flames glow),
 * balloons rising into place behind it and bobbing, confetti falling and turning at every depth
 * (what depth of field blurs). The cake turns slowly; the camera stands still. Everything is a
 * function of the frame number.
 */
export const Party: React.FC<PartyProps> = ({primary, secondary, background, spread}) => {
	const frame = useCurrentFrame();
	const {fps, durationInFrames} = useVideoConfig();
	const icing = useColor(primary);
	const light = useColor(secondary);
	const bg = useColor(background);
	const env = useStudio(light, icing, bg);
	const flame = useMemo(() => light.clone().lerp(WHITE, 0.35).multiplyScalar(4), [light]);
	const cream = useMemo(() => CREAM.clone().lerp(icing, 0.08), [icing]);
	const deep = useMemo(() => icing.clone().multiplyScalar(0.75), [icing]);
	const turn = interpolate(frame, [0, durationInFrames], [-0.4, 0.5]);
	const cake = spring({frame: frame - 4, fps, config: {damping: 14, stiffness: 90}});
	const lit = interpolate(frame, [30, 40], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'});

	const phong = (color: THREE.Color, shininess = 60, reflectivity = 0.15) => (
		<meshPhongMaterial color={color} specular={WHITE} shininess={shininess} envMap={env} reflectivity={reflectivity} combine={THREE.MixOperation} />
	);

	const balloons = [
		{x: -2.3, y: 1.7, z: -1.2, color: icing, delay: 6},
		{x: 2.2, y: 2.0, z: -1.4, color: light, delay: 10},
		{x: -1.4, y: 2.6, z: -2.2, color: light, delay: 14},
		{x: 1.35, y: 2.9, z: -2.4, color: icing, delay: 18},
		{x: 0.1, y: 3.3, z: -3.0, color: deep, delay: 22},
		{x: 3.1, y: 1.0, z: -2.6, color: deep, delay: 26},
		{x: -3.1, y: 0.8, z: -2.8, color: light, delay: 30},
	];

	return (
		<>
			<color attach="background" args={[bg]} />
			<fog attach="fog" args={[bg, 11, 24]} />
			<ambientLight intensity={0.6} />
			<hemisphereLight args={[light, bg, 0.6]} />
			<pointLight position={[3, 4, 3]} intensity={45} color={WHITE} />
			<pointLight position={[-3, 2.5, 2]} intensity={25} color={light} />
			<pointLight position={[0, 1.3, 0.3]} intensity={6 * lit} color={light} distance={4} />
			<group position={[0, -0.7, 0]}>
				<group rotation={[0, turn, 0]} position={[0, (1 - cake) * -1.5, 0]} scale={0.5 + 0.5 * cake}>
					{/* The stand: a glossy plate on a stem. */}
					<mesh position={[0, -0.55, 0]}>
						<cylinderGeometry args={[1.55, 1.45, 0.08, 64]} />
						{phong(WHITE, 120, 0.6)}
					</mesh>
					<mesh position={[0, -0.95, 0]}>
						<cylinderGeometry args={[0.18, 0.55, 0.8, 32]} />
						{phong(WHITE, 120, 0.6)}
					</mesh>
					{/* Lower tier: sponge in cream, icing on top dripping over the edge. */}
					<mesh position={[0, -0.15, 0]}>
						<cylinderGeometry args={[1.2, 1.2, 0.72, 64]} />
						{phong(cream, 30, 0.05)}
					</mesh>
					<mesh position={[0, 0.2, 0]}>
						<cylinderGeometry args={[1.22, 1.22, 0.08, 64]} />
						{phong(icing, 90, 0.2)}
					</mesh>
					{Array.from({length: 18}, (_, i) => {
						const a = (i / 18) * Math.PI * 2;
						const long = 0.12 + random(`drip${i}`) * 0.18;
						return (
							<mesh key={i} position={[Math.cos(a) * 1.2, 0.17 - long / 2, Math.sin(a) * 1.2]} scale={[1, long / 0.2, 1]}>
								<capsuleGeometry args={[0.07, 0.1, 4, 8]} />
								{phong(icing, 90, 0.2)}
							</mesh>
						);
					})}
					<mesh position={[0, -0.5, 0]} rotation={[Math.PI / 2, 0, 0]}>
						<torusGeometry args={[1.22, 0.07, 10, 64]} />
						{phong(cream, 40, 0.05)}
					</mesh>
					{/* Upper tier. */}
					<mesh position={[0, 0.52, 0]}>
						<cylinderGeometry args={[0.78, 0.78, 0.56, 56]} />
						{phong(icing, 90, 0.2)}
					</mesh>
					<mesh position={[0, 0.8, 0]} rotation={[Math.PI / 2, 0, 0]}>
						<torusGeometry args={[0.78, 0.06, 10, 56]} />
						{phong(cream, 40, 0.05)}
					</mesh>
					{Array.from({length: 12}, (_, i) => {
						const a = (i / 12) * Math.PI * 2;
						return (
							<mesh key={`p${i}`} position={[Math.cos(a) * 0.98, 0.28, Math.sin(a) * 0.98]}>
								<sphereGeometry args={[0.07, 14, 10]} />
								{phong(i % 2 ? light : WHITE, 100, 0.3)}
							</mesh>
						);
					})}
					{/* Candles in a ring, striped, their flames lit one after another. */}
					{Array.from({length: CANDLES}, (_, i) => {
						const a = (i / CANDLES) * Math.PI * 2 + 0.3;
						const on = interpolate(frame, [30 + i * 3, 36 + i * 3], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'});
						const flicker = 1 + 0.12 * Math.sin(frame * 0.9 + i * 2.1) + 0.06 * Math.sin(frame * 2.3 + i);
						return (
							<group key={`c${i}`} position={[Math.cos(a) * 0.45, 0.8, Math.sin(a) * 0.45]}>
								<mesh position={[0, 0.25, 0]}>
									<cylinderGeometry args={[0.045, 0.045, 0.5, 16]} />
									{phong(i % 2 ? light : WHITE, 60, 0.1)}
								</mesh>
								<mesh position={[0, 0.25, 0]} rotation={[Math.PI / 2, 0, 0]}>
									<torusGeometry args={[0.047, 0.012, 6, 16]} />
									{phong(icing, 60, 0.1)}
								</mesh>
								<mesh position={[0, 0.57, 0]} scale={[on, 2.2 * flicker * on, on].map((v) => Math.max(0.001, v)) as [number, number, number]}>
									<sphereGeometry args={[0.05, 14, 10]} />
									<meshBasicMaterial color={flame} toneMapped={false} />
								</mesh>
							</group>
						);
					})}
				</group>
				{/* Balloons rise into place, then bob; each on a string. */}
				{balloons.map((b, i) => {
					const up = spring({frame: frame - b.delay, fps, config: {damping: 18, stiffness: 40}});
					const bob = Math.sin(frame / 18 + i * 1.7) * 0.08;
					const y = b.y - (1 - up) * 5 + bob;
					return (
						<group key={`b${i}`} position={[b.x * spread + Math.sin(frame / 25 + i) * 0.05, y, b.z]} rotation={[0, 0, Math.sin(frame / 22 + i) * 0.08]}>
							<mesh scale={[1, 1.18, 1]}>
								<sphereGeometry args={[0.5, 32, 24]} />
								<meshPhongMaterial color={b.color} specular={WHITE} shininess={110} envMap={env} reflectivity={0.25} combine={THREE.MixOperation} />
							</mesh>
							<mesh position={[0, -0.62, 0]} rotation={[Math.PI, 0, 0]}>
								<coneGeometry args={[0.07, 0.1, 12]} />
								{phong(b.color, 60, 0.1)}
							</mesh>
							<mesh position={[0, -1.45, 0]}>
								<cylinderGeometry args={[0.011, 0.011, 1.6, 6]} />
								<meshBasicMaterial color={WHITE} />
							</mesh>
						</group>
					);
				})}
				{/* The floor: dark and glossy. */}
				<mesh rotation={[-Math.PI / 2, 0, 0]} position={[0, -1.36, 0]}>
					<planeGeometry args={[60, 60]} />
					<meshPhongMaterial color={bg} specular={new THREE.Color('#333333')} shininess={40} envMap={env} reflectivity={0.05} combine={THREE.MixOperation} />
				</mesh>
			</group>
			{/* Confetti: strips falling and turning, near and far. */}
			{Array.from({length: 70}, (_, i) => {
				const speed = 0.015 + random(`cs${i}`) * 0.015;
				const y = 4.5 - ((random(`cy${i}`) * 6.5 + frame * speed) % 6.5);
				const x = (random(`cx${i}`) - 0.5) * 11;
				const z = -4.5 + random(`cz${i}`) * 9;
				const pick = random(`cc${i}`);
				const color = pick < 0.35 ? icing : pick < 0.7 ? light : pick < 0.85 ? WHITE : deep;
				return (
					<mesh key={`f${i}`} position={[x, y, z]} rotation={[frame / 9 + i, frame / 13 + i * 2, i]}>
						<planeGeometry args={[0.07, 0.16]} />
						<meshBasicMaterial color={color} side={THREE.DoubleSide} />
					</mesh>
				);
			})}
			<PostStack focus={[0, 0, 0]} bloom={1.2} threshold={0.62} />
		</>
	);
};
