import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {Birthday3D} from './Birthday3D';

registerRoot(templateRoot('Birthday3D', Birthday3D, manifest));
