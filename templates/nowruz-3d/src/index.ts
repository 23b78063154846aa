import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {Nowruz3D} from './Nowruz3D';

registerRoot(templateRoot('Nowruz3D', Nowruz3D, manifest));
