/**
 * Secrets the operator did not set are generated on first run and kept in DATA_DIR/secrets.json
 * (mode 0600), so the embedded default works with no configuration and sessions survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import webpush from 'web-push';
import type { Logger } from './logger.js';

export interface Secrets {
  jwtSecret: string;
  /** Web push keys: a browser's subscription is bound to the public key, so it must outlive restarts. */
  vapid: { publicKey: string; privateKey: string };
}

export function loadSecrets(config: Config, log: Logger): Secrets {
  const file = join(config.dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;

  const secrets: Secrets = {
    jwtSecret: config.jwtSecret ?? stored.jwtSecret ?? randomBytes(48).toString('base64url'),
    vapid: config.alerts.vapid ?? stored.vapid ?? webpush.generateVAPIDKeys(),
  };
  const toStore: Partial<Secrets> = { ...stored };
  if (!config.jwtSecret && !stored.jwtSecret) toStore.jwtSecret = secrets.jwtSecret;
  if (!config.alerts.vapid && !stored.vapid) toStore.vapid = secrets.vapid;
  if (JSON.stringify(toStore) !== JSON.stringify(stored)) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(toStore, null, 2), { mode: 0o600 });
    log.info({ file }, 'generated secrets that were not configured and saved them');
  }
  return secrets;
}
