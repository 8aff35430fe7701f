/**
 * Development pseudonym keys: read from the environment, or from var/pseudonym-keys.json (git-
 * ignored), made on first start so IDs stay stable across restarts of a developer's stack.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface PseudonymKeys {
  idKey: Buffer;
  refKey: Buffer;
}

export function loadOrCreatePseudonymKeys(file: string): PseudonymKeys {
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { idKey: string; refKey: string };
    return { idKey: Buffer.from(stored.idKey, 'hex'), refKey: Buffer.from(stored.refKey, 'hex') };
  }
  const keys = { idKey: randomBytes(32), refKey: randomBytes(16) };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ idKey: keys.idKey.toString('hex'), refKey: keys.refKey.toString('hex') }), { mode: 0o600 });
  return keys;
}
