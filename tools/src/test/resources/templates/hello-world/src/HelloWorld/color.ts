import {z} from 'zod';

// A CSS hex colour, #rgb or #rrggbb.
export const colorSchema = z.string().regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/);
