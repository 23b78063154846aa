// `@flatrender/template-kit/three`: the 3D templates' shared pieces (src/three.tsx).
export {fitDistance, placedCamera, PostStack, studio, useAim, useColor, useStudio} from './src/three';
export type {PostProps} from './src/three';
