import { z } from 'zod';
import { MAX_EMAIL_LENGTH, MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH } from '../limits.js';

/** A 24-hex-digit MongoDB ObjectId as a string. */
export const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');

/** Client-generated message id: what makes a resend idempotent. */
export const clientId = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'may hold only letters, digits, "-" and "_"');

export const messageBody = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`),
  );

export const personName = z.string().trim().max(MAX_NAME_LENGTH);
export const email = z.string().trim().toLowerCase().max(MAX_EMAIL_LENGTH).pipe(z.email('must be an email address'));

export const LOCALES = ['en', 'de', 'sv', 'cs', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];
export const locale = z.enum(LOCALES);

/** Events whose payload carries nothing still take an object, so every event validates alike. */
export const empty = z.object({}).strict();
