import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {Promo3D} from './Promo3D';

registerRoot(templateRoot('Promo3D', Promo3D, manifest));
