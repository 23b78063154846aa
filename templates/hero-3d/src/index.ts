import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {Hero3D} from './Hero3D';

registerRoot(templateRoot('Hero3D', Hero3D, manifest));
