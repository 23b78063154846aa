// The shared palette of the hello-world project.
export const COLOR_1 = '#86A8E7';
export const FONT_FAMILY = 'SF Pro Text, Helvetica, Arial, sans-serif';
