/**
 * The chat form's answers checked against the site's form (WidgetSettings.prechat). The schema of
 * `conversation:start` checks their shape; only here is it known which fields the site asks for.
 */
import { email as emailSchema } from '../../../shared/schemas/common.js';
import type { StartConversationInput } from '../../../shared/schemas/index.js';
import type { PrechatSettings } from '../../../shared/visitor-features.js';
import { AppError } from '../../http/errors.js';
import type { HostUser } from '../customers/customer-identity.js';

export interface PrechatAnswers {
  name: string | null;
  email: string | null;
  /** Non-empty answers only, by key. */
  fields: Record<string, string>;
}

/**
 * What the conversation keeps of the visitor's form, or VALIDATION naming every field at fault
 * (details `{path: 'name' | 'email' | 'fields.<key>', message}`, as zod's are). A logged-in user's
 * name and email come from the host's token: they satisfy `required` and win over what was typed.
 * A `hidden` name or email is not kept even when sent.
 */
export function checkPrechat(form: PrechatSettings, input: Pick<StartConversationInput, 'name' | 'email' | 'fields'>, user: HostUser | null): PrechatAnswers {
  const problems: { path: string; message: string }[] = [];
  const builtIn = (key: 'name' | 'email') => {
    const value = user?.[key] || (form[key] === 'hidden' ? '' : input[key]) || null;
    if (!value && form[key] === 'required') problems.push({ path: key, message: 'is required' });
    return value;
  };
  const name = builtIn('name');
  const email = builtIn('email');

  const given = input.fields ?? {};
  const fields: Record<string, string> = {};
  for (const key of Object.keys(given)) {
    if (!form.fields.some((f) => f.key === key)) problems.push({ path: `fields.${key}`, message: 'is not a field of this form' });
  }
  for (const field of form.fields) {
    const path = `fields.${field.key}`;
    const value = given[field.key]?.trim() ?? '';
    if (!value) {
      if (field.required) problems.push({ path, message: 'is required' });
      continue;
    }
    if (field.type === 'select' && !field.options?.includes(value)) {
      problems.push({ path, message: `must be one of: ${field.options?.join(', ')}` });
      continue;
    }
    if (field.type === 'email') {
      const parsed = emailSchema.safeParse(value);
      if (!parsed.success) {
        problems.push({ path, message: 'must be an email address' });
        continue;
      }
      fields[field.key] = parsed.data;
      continue;
    }
    fields[field.key] = value;
  }

  const first = problems[0];
  if (first) throw new AppError('VALIDATION', `Invalid input: ${first.path} ${first.message}`, problems);
  return { name, email, fields };
}
