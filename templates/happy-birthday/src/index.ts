import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {HappyBirthday} from './HappyBirthday';

registerRoot(templateRoot('HappyBirthday', HappyBirthday, manifest));
