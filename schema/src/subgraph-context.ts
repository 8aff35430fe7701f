/**
 * The signed context between the gateway and its subgraphs: who is asking (partner, purpose,
 * scopes, identity view, request id), carried on every subgraph request, so subgraphs can refuse
 * anything that did not come through the gateway. Both sides use this one module, so the wire
 * format cannot drift between them. Wire format v3:
 *
 *   x-huimin-context:           base64url(JSON {v: 3, rid, partner, purpose, scopes, identity})
 *   x-huimin-context-signature: <iat>.<hex HMAC-SM3(key, "huimin-subgraph-context/v3\n" + subgraph
 *                               + "\n" + iat + "\n" + hex SM3(the context header) + "\n" + the body as sent)>
 *
 * The context header is the same for every subgraph call of one partner request, so the gateway
 * encodes and hashes it once per request and a subgraph decodes and hashes each one once: it is
 * most of the bytes of a small call (a partner with every scope makes it ~400 characters, a
 * single-citizen fetch's query ~150–330). The signature binds it to one subgraph, one time
 * (epoch ms) and the body bytes, so it cannot be replayed to another subgraph, later, or with
 * another query or variables. One HMAC pass per call, with the key's padded blocks hashed once up
 * front: v2's separate SM3 of the body, hex digest inside a JSON payload and per-call payload
 * encoding cost each side about as much again.
 */
import { createHash, timingSafeEqual, type Hash } from 'node:crypto';

export const SUBGRAPH_CONTEXT_HEADER = 'x-huimin-context';
export const SUBGRAPH_CONTEXT_SIGNATURE_HEADER = 'x-huimin-context-signature';
const SIGNING_LABEL = 'huimin-subgraph-context/v3\n';
/** SM3's block size: HMAC pads the key to it. */
const BLOCK_BYTES = 64;

export type SubgraphIdentityView = 'full' | 'masked';

/** What the gateway tells a subgraph about the partner request behind a call. */
export interface SubgraphContextPayload {
  v: 3;
  rid: string;
  /** Null for the gateway's own requests (the /ready probe). */
  partner: string | null;
  purpose: string | null;
  scopes: string[];
  identity: SubgraphIdentityView;
}

/**
 * HMAC-SM3 (RFC 2104 over SM3) under one key, with the inner and outer padded key blocks hashed
 * once: each MAC then copies two hash states instead of setting the key up again.
 */
export class SubgraphContextKey {
  private readonly inner: Hash;
  private readonly outer: Hash;

  constructor(key: Buffer) {
    if (key.length < 16) throw new Error('the subgraph context key must be at least 16 bytes');
    const block = Buffer.alloc(BLOCK_BYTES);
    (key.length > BLOCK_BYTES ? createHash('sm3').update(key).digest() : key).copy(block);
    const pad = (byte: number): Buffer => Buffer.from(block.map((b) => b ^ byte));
    this.inner = createHash('sm3').update(pad(0x36));
    this.outer = createHash('sm3').update(pad(0x5c));
  }

  mac(message: string): Buffer {
    const innerDigest = this.inner.copy().update(message, 'utf8').digest();
    return this.outer.copy().update(innerDigest).digest();
  }
}

function signedMessage(subgraph: string, iat: number, contextDigest: string, body: string): string {
  return `${SIGNING_LABEL}${subgraph}\n${iat}\n${contextDigest}\n${body}`;
}

/** A context header as signed: its text, and the digest each call's signature covers. */
export interface EncodedSubgraphContext {
  header: string;
  digest: string;
}

/** The digest of a context header (hex SM3): computed once per header, not per call. */
export function subgraphContextDigest(header: string): string {
  return createHash('sm3').update(header, 'utf8').digest('hex');
}

export function encodeSubgraphContext(payload: SubgraphContextPayload): EncodedSubgraphContext {
  const header = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return { header, digest: subgraphContextDigest(header) };
}

/** The signature header for one subgraph call. */
export function signSubgraphCall(key: SubgraphContextKey, subgraph: string, iat: number, context: EncodedSubgraphContext, body: string): string {
  return `${iat}.${key.mac(signedMessage(subgraph, iat, context.digest, body)).toString('hex')}`;
}

const SIGNATURE = /^(\d{1,16})\.([0-9a-f]{64})$/;

/**
 * Whether the signature header is the gateway's, for this subgraph, context and body, signed
 * within `maxSkewMs` of `now`. `contextDigest`: subgraphContextDigest of the context header received.
 */
export function verifySubgraphCall(
  key: SubgraphContextKey,
  subgraph: string,
  contextDigest: string,
  signature: string,
  body: string,
  now: number,
  maxSkewMs: number,
): boolean {
  const match = SIGNATURE.exec(signature);
  if (!match) return false;
  const iat = Number(match[1]);
  if (Math.abs(now - iat) > maxSkewMs) return false;
  const expected = key.mac(signedMessage(subgraph, iat, contextDigest, body));
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

/** The payload of a context header whose signature was verified; null when it is not a v3 context. */
export function decodeSubgraphContext(encodedContext: string): SubgraphContextPayload | null {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(encodedContext, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null || payload.v !== 3) return null;
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    v: 3,
    rid: text(payload.rid) ?? '',
    partner: text(payload.partner),
    purpose: text(payload.purpose),
    scopes: Array.isArray(payload.scopes) ? payload.scopes.filter((s): s is string => typeof s === 'string') : [],
    identity: payload.identity === 'full' ? 'full' : 'masked',
  };
}
