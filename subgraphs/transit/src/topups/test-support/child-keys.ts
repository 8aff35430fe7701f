/** Transit key material through a child's environment (hex), both sides of the crash test. */
import type { TransitClientKeys } from '@huimin/adapters';

export function encodeTransitKeys(keys: TransitClientKeys): string {
  return JSON.stringify({ appId: keys.appId, secret: keys.secrets.current.toString('hex'), keyId: keys.dataKeys.current.keyId, dataKey: keys.dataKeys.current.key.toString('hex') });
}

export function decodeTransitKeys(text: string): TransitClientKeys {
  const raw = JSON.parse(text) as { appId: string; secret: string; keyId: string; dataKey: string };
  return { appId: raw.appId, secrets: { current: Buffer.from(raw.secret, 'hex') }, dataKeys: { current: { keyId: raw.keyId, key: Buffer.from(raw.dataKey, 'hex') } } };
}

/** Messages between the crash test and its children. */
export type ChildMessage = { type: 'ready'; url: string } | { type: 'done' };
export type BureauCommand = { type: 'setStatus'; cardNo: string; status: 'ACTIVE' | 'LOST' | 'FROZEN' | 'CANCELLED' };
