/**
 * What the crypto bench times: each protocol's four steps (client seals a request, server opens
 * it, server seals the answer, client opens it), implemented twice over the same key material —
 * by the protocol modules themselves and by reference/ with sm-crypto and node-forge primitives.
 */
import { randomBytes } from 'node:crypto';
import {
  generateCivilKeyMaterial,
  generateFinanceKeyMaterial,
  generateMedicalKeyMaterial,
  generateTransitKeyMaterial,
  type CivilClientKeys,
  type CivilServerKeys,
  type FinanceClientKeys,
  type FinanceServerKeys,
  type MedicalClientKeys,
  type MedicalServerKeys,
  type TransitClientKeys,
  type TransitServerKeys,
} from '@huimin/adapters';

/** A message on the wire: its body, its headers (civil affairs and transit sign in headers), its nonce. */
export interface Sealed {
  body: string;
  headers: Record<string, string>;
  nonce: string;
}

/** One implementation of one protocol's envelope, both sides. `Context` is what an answer is bound to. */
export interface EnvelopeSides<Context> {
  sealRequest(payload: object): Sealed;
  openRequest(sealed: Sealed): Promise<{ context: Context; request: unknown }>;
  sealResponse(context: Context, payload: object): Sealed;
  openResponse(sealed: Sealed, requestNonce: string): Promise<unknown>;
}

export interface ProtocolUnderTest<Context> {
  name: string;
  /** The primitives each implementation uses, for the table. */
  primitives: { project: string; reference: string };
  project: EnvelopeSides<Context>;
  reference: EnvelopeSides<Context>;
}

export interface BenchKeys {
  finance: { client: FinanceClientKeys; server: FinanceServerKeys };
  medical: { client: MedicalClientKeys; server: MedicalServerKeys };
  civil: { client: CivilClientKeys; server: CivilServerKeys };
  transit: { client: TransitClientKeys; server: TransitServerKeys };
}

/** Throwaway key material, one app per bureau (the medical platform wants a 16+ character appCode). */
export function benchKeys(): BenchKeys {
  return {
    finance: generateFinanceKeyMaterial('bench-app'),
    medical: generateMedicalKeyMaterial('bench-app-000001'),
    civil: generateCivilKeyMaterial('bench-app'),
    transit: generateTransitKeyMaterial('bench-app'),
  };
}

/** A JSON object whose serialisation is exactly `bytes` long (random text, so nothing is trivially repetitive). */
export function payloadOfSize(bytes: number): { data: string } {
  const overhead = JSON.stringify({ data: '' }).length;
  if (bytes < overhead) throw new RangeError(`a payload is at least ${overhead} bytes`);
  const data = randomBytes(bytes).toString('base64url').slice(0, bytes - overhead);
  return { data };
}

/** The protocols' freshness window (upstream-protocols.md): ±300 s. */
export function assertFreshMs(timestampMs: number, nowMs: number): void {
  if (!Number.isFinite(timestampMs) || Math.abs(nowMs - timestampMs) > 300_000) throw new Error('reference: timestamp outside the window');
}

export function headerValue(headers: Readonly<Record<string, string>>, name: string): string {
  const value = headers[name];
  if (value === undefined) throw new Error(`reference: missing ${name}`);
  return value;
}
