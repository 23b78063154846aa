import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {GlitterReveal} from './GlitterReveal';

registerRoot(templateRoot('GlitterReveal', GlitterReveal, manifest));
