/**
 * Agent passwords: argon2id, memory-hard, with the parameters spelled out rather than left to the
 * library's defaults, so an upgrade of @node-rs/argon2 cannot weaken new hashes unnoticed.
 *
 * m = 19 MiB, t = 2, p = 1 is OWASP's Password Storage Cheat Sheet minimum for argon2id: about
 * 20-40 ms and 19 MiB per hash here, which bounds what a login burst costs the server while making
 * every guess of an attacker with a stolen hash pay the same memory. Hashes carry their own
 * parameters (`$argon2id$v=19$m=19456,t=2,p=1$…`), so raising these later still verifies old ones.
 */
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

/** `Algorithm.Argon2id`; the enum is a `const enum`, which isolatedModules cannot read from a .d.ts. */
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_HASH_OPTIONS: Readonly<Options> = {
  algorithm: ARGON2ID,
  /** KiB: 19 MiB. */
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export function hashPassword(password: string | Uint8Array): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

/** The parameters come from the stored hash itself. */
export function verifyPassword(stored: string, password: string): Promise<boolean> {
  return verify(stored, password);
}
