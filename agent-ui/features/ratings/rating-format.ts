import type { RatingScore } from '../../../shared/workspace.js';

/** The visitor's words for each score, as the widget offers them. */
export const RATING_LABEL: Record<RatingScore, string> = { 1: 'Terrible', 2: 'Bad', 3: 'Okay', 4: 'Great', 5: 'Fantastic' };

/** Five stars, `score` of them filled: for the eye only (pair it with words for screen readers). */
export function stars(score: number): string {
  const full = Math.round(score);
  return '★'.repeat(full) + '☆'.repeat(5 - full);
}

/** "4.5", "4" in English number style. */
export function average(value: number): string {
  return value.toLocaleString('en', { maximumFractionDigits: 1 });
}
