import { z } from 'zod';
import { ALERT_JOB_STATES } from '../alerts.js';

const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url');

/** `PushSubscription.toJSON()` as browsers give it. */
export const pushSubscriptionInput = z
  .object({
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({ p256dh: base64url(80, 100), auth: base64url(16, 32) }).strict(),
  })
  .strict();
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionInput>;

export const pushSubscribeInput = z.object({ subscription: pushSubscriptionInput }).strict();
export const pushUnsubscribeInput = z.object({ endpoint: z.string().max(2048) }).strict();
export const alertSettingsInput = z.object({ email: z.boolean().optional(), push: z.boolean().optional() }).strict();

export const alertJobListInput = z
  .object({ state: z.enum(ALERT_JOB_STATES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();

export type PushSubscribeInput = z.infer<typeof pushSubscribeInput>;
export type PushUnsubscribeInput = z.infer<typeof pushUnsubscribeInput>;
export type AlertSettingsInput = z.infer<typeof alertSettingsInput>;
export type AlertJobListInput = z.infer<typeof alertJobListInput>;
