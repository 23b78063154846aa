import React, {useMemo} from 'react';
import {interpolate, random, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import * as THREE from 'three';
import {mergeGeometries} from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import {PostStack, useColor, useStudio} from '@flatrender/template-kit/three';

export const FOV = 34;

export type TableProps = {
	primary: string;
	secondary: string;
	background: string;
};

const WHITE = new THREE.Color('#ffffff');
const SPECULAR = new THREE.Color('#ffffff');

/** The sabzeh's blades, one geometry (one draw call) for all of them, seeded. */
const blades = (seed: string, count: number): THREE.BufferGeometry => {
	const parts = Array.from({length: count}, (_, i) => {
		const r = Math.sqrt(random(`${seed}r${i}`)) * 0.42;
		const a = random(`${seed}a${i}`) * Math.PI * 2;
		const h = 0.38 + random(`${seed}h${i}`) * 0.3;
		const blade = new THREE.ConeGeometry(0.02, h, 4, 1);
		blade.translate(0, h / 2, 0);
		blade.rotateZ((random(`${seed}z${i}`) - 0.5) * 0.5);
		blade.rotateX((random(`${seed}x${i}`) - 0.5) * 0.5);
		blade.translate(Math.cos(a) * r, 0, Math.sin(a) * r);
		return blade;
	});
	const merged = mergeGeometries(parts);
	parts.forEach((p) => p.dispose());
	if (!merged) {
		throw new Error('could not merge the sabzeh blades');
	}
	return merged;
};

/** Springs a piece of the table up from nothing, `delay` frames in. */
const usePop = (delay: number): number => {
	const frame = useCurrentFrame();
	const {fps} = useVideoConfig();
	return spring({frame: frame - delay, fps, config: {damping: 12, stiffness: 120, mass: 0.8}});
};

const Piece: React.FC<{delay: number; position: [number, number, number]; children: React.ReactNode; rotation?: number}> = ({
	delay,
	position,
	children,
	rotation = 0,
}) => {
	const s = usePop(delay);
	return (
		<group position={[position[0], position[1] + (1 - s) * 0.6, position[2]]} scale={Math.max(0.001, s)} rotation={[0, rotation, 0]}>
			{children}
		</group>
	);
};

/**
 * A haft-sin laid on a round cloth: the mirror and two candles at the back, sabzeh in a
 * turquoise dish, goldfish in their bowl, painted eggs, coins and an apple; blossoms fall and
 * gold dust floats at all depths (what depth of field blurs). The table turns slowly; the camera
 * stands still. Everything is a function of the frame number.
 */
export const Table: React.FC<TableProps> = ({primary, secondary, background}) => {
	const frame = useCurrentFrame();
	const {durationInFrames} = useVideoConfig();
	const cloth = useColor(primary);
	const gold = useColor(secondary);
	const bg = useColor(background);
	const env = useStudio(gold, cloth, bg);
	const grass = useMemo(() => blades('g', 90), []);
	const grassLight = useMemo(() => blades('l', 60), []);
	const metal = useMemo(() => gold.clone().lerp(new THREE.Color('#c9a227'), 0.5), [gold]);
	const flame = useMemo(() => gold.clone().lerp(WHITE, 0.3).multiplyScalar(4), [gold]);
	const turn = interpolate(frame, [0, durationInFrames], [-0.5, 0.35]);
	const sway = Math.sin(frame / 14) * 0.04;
	const flicker = (i: number) => 1 + 0.12 * Math.sin(frame * 0.9 + i * 2.1) + 0.06 * Math.sin(frame * 2.3 + i);

	const phong = (color: THREE.Color, shininess = 60, reflectivity = 0.15) => (
		<meshPhongMaterial color={color} specular={SPECULAR} shininess={shininess} envMap={env} reflectivity={reflectivity} combine={THREE.MixOperation} />
	);

	return (
		<>
			<color attach="background" args={[bg]} />
			<fog attach="fog" args={[bg, 9, 22]} />
			<ambientLight intensity={0.6} />
			<hemisphereLight args={[gold, bg, 0.7]} />
			<pointLight position={[2.8, 3.2, 2.6]} intensity={38} color={gold} />
			<pointLight position={[-3.2, 2.6, 1.5]} intensity={22} color={WHITE} />
			<spotLight position={[0, 7, 2.5]} angle={0.55} penumbra={0.8} intensity={70} />
			<group rotation={[0, turn, 0]}>
				{/* The cloth (sofreh) with a gilded border, on a dark glossy floor. */}
				<mesh position={[0, 0.03, 0]}>
					<cylinderGeometry args={[2.5, 2.5, 0.06, 72]} />
					{phong(cloth, 20, 0.06)}
				</mesh>
				<mesh position={[0, 0.065, 0]} rotation={[Math.PI / 2, 0, 0]}>
					<torusGeometry args={[2.47, 0.035, 8, 96]} />
					{phong(metal, 90, 0.5)}
				</mesh>
				<mesh position={[0, 0.062, 0]} rotation={[Math.PI / 2, 0, 0]}>
					<torusGeometry args={[2.15, 0.015, 6, 96]} />
					{phong(metal, 90, 0.5)}
				</mesh>
				<group scale={1.22}>
				{/* The mirror, leaning back in a gold frame. */}
				<Piece delay={4} position={[0, 0.06, -1.55]}>
					<group rotation={[-0.18, 0, 0]} position={[0, 0.82, 0]}>
						<mesh>
							<circleGeometry args={[0.68, 48]} />
							<meshPhongMaterial color={WHITE} specular={SPECULAR} shininess={120} envMap={env} reflectivity={0.95} combine={THREE.MixOperation} />
						</mesh>
						<mesh>
							<torusGeometry args={[0.7, 0.06, 12, 64]} />
							{phong(metal, 90, 0.55)}
						</mesh>
					</group>
				</Piece>
				{/* Two candles by the mirror. */}
				{[-1.05, 1.05].map((x, i) => (
					<Piece key={x} delay={8 + i * 3} position={[x, 0.06, -1.25]}>
						<mesh position={[0, 0.32, 0]}>
							<cylinderGeometry args={[0.09, 0.1, 0.64, 24]} />
							{phong(new THREE.Color('#fff3e0'), 30, 0.05)}
						</mesh>
						<mesh position={[0, 0.72, 0]} scale={[1, 2.1 * flicker(i), 1]}>
							<sphereGeometry args={[0.055, 16, 12]} />
							<meshBasicMaterial color={flame} toneMapped={false} />
						</mesh>
					</Piece>
				))}
				{/* Sabzeh in a turquoise dish, tied with a red ribbon. */}
				<Piece delay={12} position={[0, 0.06, -0.35]}>
					<mesh position={[0, 0.07, 0]}>
						<cylinderGeometry args={[0.55, 0.42, 0.14, 40]} />
						{phong(new THREE.Color('#26c6da'), 80, 0.3)}
					</mesh>
					<group position={[0, 0.12, 0]} rotation={[sway, 0, sway * 0.6]}>
						<mesh geometry={grass}>{phong(new THREE.Color('#2e7d32'), 20, 0.02)}</mesh>
						<mesh geometry={grassLight}>{phong(new THREE.Color('#8bc34a'), 20, 0.02)}</mesh>
					</group>
					<mesh position={[0, 0.26, 0]} rotation={[Math.PI / 2, 0, 0]}>
						<torusGeometry args={[0.43, 0.035, 8, 48]} />
						{phong(new THREE.Color('#e53935'), 50, 0.1)}
					</mesh>
				</Piece>
				{/* The goldfish bowl. */}
				<Piece delay={16} position={[1.45, 0.06, 0.05]}>
					<group position={[0, 0.6, 0]}>
						{[0, 1].map((i) => {
							const a = frame / 22 + i * Math.PI;
							return (
								<group key={i} position={[Math.cos(a) * 0.26, -0.08 + i * 0.14 + Math.sin(frame / 9 + i) * 0.03, Math.sin(a) * 0.26]} rotation={[0, -a - Math.PI / 2, 0]}>
									<mesh scale={[1, 0.6, 0.45]}>
										<sphereGeometry args={[0.14, 20, 14]} />
										{phong(new THREE.Color('#ff6d00'), 70, 0.2)}
									</mesh>
									<mesh position={[-0.16, 0, 0]} rotation={[0, 0, Math.PI / 2 + Math.sin(frame / 3 + i) * 0.3]} scale={[1, 1, 0.3]}>
										<coneGeometry args={[0.08, 0.12, 12]} />
										{phong(new THREE.Color('#ff9100'), 70, 0.2)}
									</mesh>
								</group>
							);
						})}
						<mesh>
							<sphereGeometry args={[0.55, 40, 28, 0, Math.PI * 2, 0.55, Math.PI - 0.55]} />
							<meshPhongMaterial color={new THREE.Color('#4fc3f7')} transparent opacity={0.28} depthWrite={false} shininess={100} specular={SPECULAR} envMap={env} reflectivity={0.3} combine={THREE.MixOperation} />
						</mesh>
						<mesh>
							<sphereGeometry args={[0.6, 40, 28, 0, Math.PI * 2, 0.35, Math.PI - 0.35]} />
							<meshPhongMaterial color={WHITE} transparent opacity={0.16} depthWrite={false} shininess={120} specular={SPECULAR} envMap={env} reflectivity={0.7} combine={THREE.MixOperation} side={THREE.DoubleSide} />
						</mesh>
					</group>
				</Piece>
				{/* Painted eggs on a white dish. */}
				<Piece delay={20} position={[-1.4, 0.06, 0.3]}>
					<mesh position={[0, 0.03, 0]}>
						<cylinderGeometry args={[0.5, 0.4, 0.06, 40]} />
						{phong(new THREE.Color('#fafafa'), 80, 0.25)}
					</mesh>
					{[
						[0.16, 0.15, 0.1, '#ec407a'],
						[-0.15, 0.15, 0.12, '#26a69a'],
						[0.02, 0.15, -0.18, '#7e57c2'],
						[0.0, 0.3, 0.0, null],
					].map(([x, y, z, color], i) => (
						<mesh key={i} position={[x as number, y as number, z as number]} rotation={[0.3 * (i - 1), i, 0.5 * (i % 2 ? 1 : -1)]} scale={[1, 1.3, 1]}>
							<sphereGeometry args={[0.12, 24, 16]} />
							{phong(color ? new THREE.Color(color as string) : metal, 80, color ? 0.15 : 0.5)}
						</mesh>
					))}
				</Piece>
				{/* Coins, stacked and scattered. */}
				<Piece delay={24} position={[0.8, 0.06, 1.2]}>
					{Array.from({length: 6}, (_, i) => (
						<mesh key={i} position={[Math.sin(i * 1.7) * 0.02, 0.02 + i * 0.04, Math.cos(i * 2.3) * 0.02]}>
							<cylinderGeometry args={[0.16, 0.16, 0.035, 32]} />
							{phong(metal, 100, 0.6)}
						</mesh>
					))}
					{[0, 1].map((i) => (
						<mesh key={`l${i}`} position={[0.34 + i * 0.12, 0.02, 0.12 - i * 0.3]} rotation={[0.1, i, 0.05]}>
							<cylinderGeometry args={[0.16, 0.16, 0.035, 32]} />
							{phong(metal, 100, 0.6)}
						</mesh>
					))}
				</Piece>
				{/* An apple (sib). */}
				<Piece delay={28} position={[-0.55, 0.06, 1.25]}>
					<mesh position={[0, 0.2, 0]} scale={[1, 0.9, 1]}>
						<sphereGeometry args={[0.22, 32, 24]} />
						{phong(new THREE.Color('#d50000'), 90, 0.15)}
					</mesh>
					<mesh position={[0, 0.43, 0]} rotation={[0, 0, 0.2]}>
						<cylinderGeometry args={[0.012, 0.015, 0.12, 6]} />
						{phong(new THREE.Color('#5d4037'), 10, 0)}
					</mesh>
					<mesh position={[0.07, 0.44, 0]} rotation={[0, 0, -0.6]} scale={[1, 0.3, 0.5]}>
						<sphereGeometry args={[0.07, 12, 8]} />
						{phong(new THREE.Color('#43a047'), 30, 0.05)}
					</mesh>
				</Piece>
				</group>
			</group>
			{/* Blossoms falling and gold dust floating, near and far. */}
			{Array.from({length: 34}, (_, i) => {
				const speed = 0.012 + random(`bs${i}`) * 0.012;
				const y = 4.5 - ((random(`by${i}`) * 5 + frame * speed) % 5.2);
				const x = (random(`bx${i}`) - 0.5) * 10 + Math.sin(frame / 30 + i) * 0.3;
				const z = -4 + random(`bz${i}`) * 8;
				return (
					<mesh key={i} position={[x, y, z]} rotation={[frame / 20 + i, frame / 27 + i * 2, 0]}>
						<circleGeometry args={[0.06, 5]} />
						<meshBasicMaterial color={i % 3 === 0 ? WHITE : new THREE.Color('#f8bbd0')} side={THREE.DoubleSide} />
					</mesh>
				);
			})}
			{Array.from({length: 14}, (_, i) => {
				const a = (i / 14) * Math.PI * 2 + frame / 90;
				const r = 2.2 + random(`dr${i}`) * 2;
				return (
					<mesh key={`d${i}`} position={[Math.cos(a) * r, 0.6 + random(`dy${i}`) * 2 + Math.sin(frame / 25 + i) * 0.15, Math.sin(a) * r]}>
						<sphereGeometry args={[0.035, 10, 8]} />
						<meshBasicMaterial color={flame} toneMapped={false} />
					</mesh>
				);
			})}
			<mesh rotation={[-Math.PI / 2, 0, 0]} position={[0, -0.01, 0]}>
				<planeGeometry args={[60, 60]} />
				<meshPhongMaterial color={bg} specular={new THREE.Color('#333333')} shininess={40} envMap={env} reflectivity={0.05} combine={THREE.MixOperation} />
			</mesh>
			<PostStack focus={[0, 0.4, 0]} bloom={1.1} threshold={0.65} />
		</>
	);
};
