/**
 * Secrets the operator did not set are generated on first run and kept in DATA_DIR/secrets.json
 * (mode 0600), so the embedded default works with no configuration and sessions survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
  const existed = existsSync(file);
  if (existed) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;

  const secrets: Secrets = {
    jwtSecret: config.jwtSecret ?? stored.jwtSecret ?? randomBytes(48).toString('base64url'),
    vapid: config.alerts.vapid ?? stored.vapid ?? webpush.generateVAPIDKeys(),
  };
  const toStore: Partial<Secrets> = { ...stored };
  if (!config.jwtSecret && !stored.jwtSecret) toStore.jwtSecret = secrets.jwtSecret;
  if (!config.alerts.vapid && !stored.vapid) toStore.vapid = secrets.vapid;
  if (JSON.stringify(toStore) !== JSON.stringify(stored)) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const text = JSON.stringify(toStore, null, 2);
    if (existed) writeFileSync(file, text, { mode: 0o600 });
    else {
      // Nodes sharing DATA_DIR may start at once: the file appears whole (link is atomic and
      // refuses to replace), only the first node's secrets are kept, and the others use them.
      const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(draft, text, { mode: 0o600, flag: 'wx' });
      try {
        try {
          linkSync(draft, file);
        } catch (err) {
          // A filesystem without hard links: an exclusive create still lets only one node win.
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
          writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        return loadSecrets(config, log);
      } finally {
        unlinkSync(draft);
      }
    }
    log.info({ file }, 'generated secrets that were not configured and saved them');
  }
  return secrets;
}
