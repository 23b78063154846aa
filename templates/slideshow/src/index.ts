import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {Slideshow} from './Slideshow';

registerRoot(templateRoot('Slideshow', Slideshow, manifest));
