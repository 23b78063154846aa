// @flatrender/template-kit: what every template of the pack shares. Imported by each package
// and bundled into it by Remotion's bundler at push; never copied into a package.
export {FONT_FAMILY, loadFonts} from './fonts';
export {contrast, css, luminance, makePalette, mix, parseColor, readableOn, shade} from './palette';
export type {Palette, Rgb} from './palette';
export {groupThousands, isRtl, localDigits, persianDigitsIn, toLatinDigits, toPersianDigits} from './digits';
export {fitText} from './fit';
export type {FitOptions, Fitted} from './fit';
export {drift, outro, pop, progress, rise, slideIn, wipe} from './animation';
export {FittedText, runs} from './Text';
export type {FittedTextProps} from './Text';
export {SoundBed} from './SoundBed';
export {ASPECTS, imageUrl, useShape} from './layout';
export type {Shape} from './layout';
export {templateRoot} from './register';
export {defaultProps} from './manifest';
export type {Manifest} from './manifest';
export {Blobs, Confetti} from './decor';
export {Pill} from './Pill';
export {odometer, rollValue, RollingNumber} from './Rolling';
export {useScene} from './scene';
