import type { z } from 'zod';
import { validationError } from './errors.js';

/** Parses untrusted input with a schema; a failure becomes a VALIDATION AppError listing the fields. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}
