import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {LogoMotion} from './LogoMotion';

registerRoot(templateRoot('LogoMotion', LogoMotion, manifest));
