import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {Opener} from './Opener';

registerRoot(templateRoot('Opener', Opener, manifest));
