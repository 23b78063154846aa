import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {YouTubeIntro} from './YouTubeIntro';

registerRoot(templateRoot('YouTubeIntro', YouTubeIntro, manifest));
