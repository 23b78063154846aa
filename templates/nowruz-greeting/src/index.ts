import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {NowruzGreeting} from './NowruzGreeting';

registerRoot(templateRoot('NowruzGreeting', NowruzGreeting, manifest));
