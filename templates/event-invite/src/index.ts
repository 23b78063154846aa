import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {EventInvite} from './EventInvite';

registerRoot(templateRoot('EventInvite', EventInvite, manifest));
