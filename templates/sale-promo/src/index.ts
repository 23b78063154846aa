import {registerRoot} from 'remotion';
import {templateRoot} from '@flatrender/template-kit';
import manifest from '../template.json';
import {SalePromo} from './SalePromo';

registerRoot(templateRoot('SalePromo', SalePromo, manifest));
