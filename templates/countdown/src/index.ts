import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {Countdown} from './Countdown';

registerRoot(templateRoot('Countdown', Countdown, manifest));
