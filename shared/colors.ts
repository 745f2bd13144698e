/**
 * Text on a site's accent colour (WCAG 2.x): the widget writes white or dark text on it, whichever
 * contrasts more, and admins may only pick a colour where that choice reaches AA for normal text.
 */

/** The dark text the widget writes on light accents. */
export const DARK_TEXT = '#1b1f24';
/** WCAG AA for normal text. */
export const MIN_TEXT_CONTRAST = 4.5;

/** WCAG relative luminance of "#rrggbb". */
export function relativeLuminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const lin = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(n >> 16) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

const ratio = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** White or DARK_TEXT, whichever contrasts more with `hex`. */
export function accentText(hex: string): { color: string; contrast: number } {
  const l = relativeLuminance(hex);
  const white = ratio(l, 1);
  const dark = ratio(l, relativeLuminance(DARK_TEXT));
  return white >= dark ? { color: '#fff', contrast: white } : { color: DARK_TEXT, contrast: dark };
}
