import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {InstaPromo} from './InstaPromo';

registerRoot(templateRoot('InstaPromo', InstaPromo, manifest));
