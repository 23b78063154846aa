import React, {useEffect, useMemo, useState} from 'react';
import {useThree} from '@react-three/fiber';
import {continueRender, delayRender, Easing, interpolate, random, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import * as THREE from 'three';
import {FONT_FAMILY, loadFonts, toPersianDigits} from '@flatrender/template-kit';
import {PostStack, useColor, useStudio} from '@flatrender/template-kit/three';

export const FOV = 34;

export type StageProps = {
	primary: string;
	secondary: string;
	background: string;
	discount: number;
	persian: boolean;
};

const WHITE = new THREE.Color('#ffffff');

/**
 * The badge's face: the percent in the bundled Vazirmatn (Persian digits for a Persian title),
 * "تخفیف" / "OFF" under it, drawn on a canvas once the fonts have loaded. Until then the frame
 * waits (delayRender), and once the texture is drawn the canvas is drawn again, so no frame
 * ever shows a fallback font.
 */
const useBadgeFace = (discount: number, persian: boolean, ring: THREE.Color, ink: THREE.Color): THREE.CanvasTexture => {
	const {advance} = useThree();
	const [ready, setReady] = useState(false);
	const [handle] = useState(() => delayRender('Drawing the discount badge with the bundled font'));
	const texture = useMemo(() => {
		const size = 512;
		const canvas = document.createElement('canvas');
		canvas.width = size;
		canvas.height = size;
		const g = canvas.getContext('2d');
		if (!g) {
			throw new Error('no 2D canvas for the badge');
		}
		const hex = (c: THREE.Color) => `#${c.getHexString()}`;
		const face = g.createRadialGradient(size * 0.4, size * 0.35, size * 0.05, size / 2, size / 2, size / 2);
		face.addColorStop(0, hex(ring.clone().lerp(WHITE, 0.55)));
		face.addColorStop(1, hex(ring));
		g.fillStyle = face;
		g.fillRect(0, 0, size, size);
		// The cylinder's cap maps the canvas turned a quarter clockwise: draw it turned back.
		g.translate(size / 2, size / 2);
		g.rotate(-Math.PI / 2);
		g.translate(-size / 2, -size / 2);
		g.strokeStyle = hex(ink);
		g.lineWidth = 8;
		g.setLineDash([14, 12]);
		g.beginPath();
		g.arc(size / 2, size / 2, size * 0.42, 0, Math.PI * 2);
		g.stroke();
		const value = Math.max(0, Math.min(99, Math.round(discount)));
		const number = persian ? `${toPersianDigits(value)}٪` : `${value}%`;
		g.fillStyle = hex(ink);
		g.textAlign = 'center';
		g.textBaseline = 'middle';
		g.direction = persian ? 'rtl' : 'ltr';
		g.font = `900 ${size * 0.34}px ${FONT_FAMILY}`;
		g.fillText(number, size / 2, size * 0.46);
		g.font = `900 ${size * 0.12}px ${FONT_FAMILY}`;
		g.fillText(persian ? 'تخفیف' : 'OFF', size / 2, size * 0.72);
		const t = new THREE.CanvasTexture(canvas);
		t.colorSpace = THREE.SRGBColorSpace;
		t.anisotropy = 4;
		return t;
		// `ready` redraws it once the fonts are there.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [discount, persian, ring, ink, ready]);
	useEffect(() => () => texture.dispose(), [texture]);
	useEffect(() => {
		loadFonts().then(() => setReady(true));
	}, []);
	useEffect(() => {
		if (ready) {
			advance(performance.now());
			continueRender(handle);
		}
	}, [ready, advance, handle]);
	return texture;
};

/**
 * A three-step podium, its top edge a ring of light, on a glossy stage; a discount badge (a thick
 * coin with the percent on both faces) drops onto it and spins; spotlights sweep the stage,
 * their beams drawn as soft cones; sparks rise at all depths (what depth of field blurs). The
 * camera stands still. Everything is a function of the frame number.
 */
export const Stage: React.FC<StageProps> = ({primary, secondary, background, discount, persian}) => {
	const frame = useCurrentFrame();
	const {fps} = useVideoConfig();
	const podium = useColor(primary);
	const light = useColor(secondary);
	const bg = useColor(background);
	const env = useStudio(light, podium, bg);
	const ink = useMemo(() => new THREE.Color('#1a1a24'), []);
	const face = useBadgeFace(discount, persian, light, ink);
	const glow = useMemo(() => light.clone().lerp(WHITE, 0.2).multiplyScalar(3.5), [light]);
	const beam = useMemo(() => light.clone().lerp(WHITE, 0.5), [light]);
	const drop = spring({frame: frame - 12, fps, config: {damping: 11, stiffness: 90, mass: 1.1}});
	// Two turns and a half that slow down to face the camera by frame 90, then a gentle sway.
	const spin = interpolate(frame, [12, 90], [Math.PI * 5, 0], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp', easing: Easing.out(Easing.cubic)}) + Math.sin(frame / 20) * 0.2;
	const rise = spring({frame, fps, config: {damping: 20, stiffness: 60}});

	const phong = (color: THREE.Color, shininess = 80, reflectivity = 0.25) => (
		<meshPhongMaterial color={color} specular={WHITE} shininess={shininess} envMap={env} reflectivity={reflectivity} combine={THREE.MixOperation} />
	);

	return (
		<>
			<color attach="background" args={[bg]} />
			<fog attach="fog" args={[bg, 10, 24]} />
			<ambientLight intensity={0.5} />
			<hemisphereLight args={[light, bg, 0.5]} />
			<pointLight position={[3, 4, 3]} intensity={45} color={WHITE} />
			<pointLight position={[-3.5, 2, 1]} intensity={30} color={light} />
			<spotLight position={[0, 7, 2]} angle={0.45} penumbra={0.7} intensity={80} />
			<group position={[0, -1.0 - (1 - rise) * 1.2, 0]}>
				{/* The podium: three glossy steps, a ring of light round the top. */}
				<mesh position={[0, 0.2, 0]}>
					<cylinderGeometry args={[2.1, 2.2, 0.4, 72]} />
					{phong(podium.clone().multiplyScalar(0.55), 90, 0.12)}
				</mesh>
				<mesh position={[0, 0.6, 0]}>
					<cylinderGeometry args={[1.65, 1.7, 0.4, 72]} />
					{phong(podium, 100, 0.12)}
				</mesh>
				<mesh position={[0, 0.9, 0]}>
					<cylinderGeometry args={[1.3, 1.3, 0.2, 72]} />
					{phong(podium.clone().lerp(WHITE, 0.25), 110, 0.15)}
				</mesh>
				<mesh position={[0, 1.0, 0]} rotation={[Math.PI / 2, 0, 0]}>
					<torusGeometry args={[1.3, 0.025, 8, 96]} />
					<meshBasicMaterial color={glow} toneMapped={false} />
				</mesh>
				<mesh position={[0, 0.4, 0]} rotation={[Math.PI / 2, 0, 0]}>
					<torusGeometry args={[2.13, 0.02, 8, 96]} />
					<meshBasicMaterial color={glow} toneMapped={false} />
				</mesh>
				{/* The badge: drops in, spins down to face the camera, sways. */}
				<group position={[0, 2.2 + (1 - drop) * 4, 0]} rotation={[0, spin, 0]}>
					<mesh rotation={[Math.PI / 2, 0, 0]}>
						<cylinderGeometry args={[1.0, 1.0, 0.2, 64, 1]} />
						<meshPhongMaterial attach="material-0" color={light} specular={WHITE} shininess={120} envMap={env} reflectivity={0.5} combine={THREE.MixOperation} />
						<meshPhongMaterial attach="material-1" map={face} specular={WHITE} shininess={60} envMap={env} reflectivity={0.12} combine={THREE.MixOperation} />
						<meshPhongMaterial attach="material-2" map={face} specular={WHITE} shininess={60} envMap={env} reflectivity={0.12} combine={THREE.MixOperation} />
					</mesh>
				</group>
				{/* Spotlight beams sweeping from above, as soft additive cones. */}
				{[-1, 1].map((side) => {
					const sweep = Math.sin(frame / 35 + side) * 0.35;
					return (
						<group key={side} position={[side * 3.2, 6.5, -1.5]} rotation={[0, 0, side * 0.45 + sweep]}>
							<mesh position={[0, -3.2, 0]}>
								<coneGeometry args={[1.1, 6.4, 32, 1, true]} />
								<meshBasicMaterial color={beam} transparent opacity={0.09} depthWrite={false} blending={THREE.AdditiveBlending} side={THREE.DoubleSide} />
							</mesh>
						</group>
					);
				})}
				{/* The stage floor. */}
				<mesh rotation={[-Math.PI / 2, 0, 0]} position={[0, 0, 0]}>
					<planeGeometry args={[60, 60]} />
					<meshPhongMaterial color={bg} specular={new THREE.Color('#444444')} shininess={60} envMap={env} reflectivity={0.08} combine={THREE.MixOperation} />
				</mesh>
			</group>
			{/* Sparks rising, near and far. */}
			{Array.from({length: 30}, (_, i) => {
				const speed = 0.01 + random(`ss${i}`) * 0.012;
				const y = -1 + ((random(`sy${i}`) * 6 + frame * speed) % 6);
				const a = random(`sa${i}`) * Math.PI * 2;
				const r = 2.4 + random(`sr${i}`) * 3;
				return (
					<mesh key={i} position={[Math.cos(a) * r, y, Math.sin(a) * r - 0.5]}>
						<sphereGeometry args={[0.03 + random(`sz${i}`) * 0.03, 10, 8]} />
						<meshBasicMaterial color={glow} toneMapped={false} />
					</mesh>
				);
			})}
			<PostStack focus={[0, 1.2, 0]} bloom={1.3} threshold={0.6} />
		</>
	);
};
