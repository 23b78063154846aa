import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {QuoteCard} from './QuoteCard';

registerRoot(templateRoot('QuoteCard', QuoteCard, manifest));
