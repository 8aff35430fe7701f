/**
 * The signed context between the gateway and its subgraphs: who is asking (partner, purpose,
 * scopes, identity view) and which partner request this call belongs to, carried on every
 * subgraph request, so subgraphs can refuse anything that did not come through the gateway. Both
 * sides use this one module, so the wire format cannot drift between them. Wire format v4:
 *
 *   x-huimin-context:           base64url(JSON {v: 4, partner, purpose, scopes, identity})
 *   x-huimin-request-id:        the partner request's id
 *   x-huimin-context-signature: <iat>.<hex HMAC-SM3(key, "huimin-subgraph-context/v4\n" + subgraph
 *                               + "\n" + iat + "\n" + request id + "\n" + hex SM3(the context header)
 *                               + "\n" + the body as sent)>
 *
 * The context header holds only what is the same for every request of one partner and purpose,
 * so the gateway encodes and hashes it once per caller and a subgraph decodes and hashes each one
 * once (v3 carried the request id inside it, which made every partner request's header new: each
 * subgraph decoded and hashed ~400 characters per request). The request id travels beside it and
 * the signature covers it. The signature binds everything to one subgraph, one time (epoch ms)
 * and the body bytes, so it cannot be replayed to another subgraph, later, or with another query
 * or variables. One HMAC pass per call.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SUBGRAPH_CONTEXT_HEADER = 'x-huimin-context';
export const SUBGRAPH_REQUEST_ID_HEADER = 'x-huimin-request-id';
export const SUBGRAPH_CONTEXT_SIGNATURE_HEADER = 'x-huimin-context-signature';
const SIGNING_LABEL = 'huimin-subgraph-context/v4\n';
/** Request ids the gateway makes are UUIDs; anything printable up to this length is accepted. */
const REQUEST_ID = /^[!-~]{1,128}$/;

export type SubgraphIdentityView = 'full' | 'masked';

/** What the gateway tells a subgraph about the partner behind a call: the same for all their requests. */
export interface SubgraphContextPayload {
  v: 4;
  /** Null for the gateway's own requests (the /ready probe). */
  partner: string | null;
  purpose: string | null;
  scopes: string[];
  identity: SubgraphIdentityView;
}

/** HMAC-SM3 (RFC 2104 over SM3) under one key. */
export class SubgraphContextKey {
  constructor(private readonly key: Buffer) {
    if (key.length < 16) throw new Error('the subgraph context key must be at least 16 bytes');
  }

  /**
   * The MAC of the message `parts` make when joined. Each part goes in as it is: joining a
   * call's header fields and body into one string first copied every body once more.
   * node's createHmac sets the key up natively: measured faster than copying pre-keyed hash
   * states (two Hash objects a call) for every body size a subgraph call has.
   */
  mac(...parts: string[]): Buffer {
    const hmac = createHmac('sm3', this.key);
    for (const part of parts) hmac.update(part, 'utf8');
    return hmac.digest();
  }
}

/** What a call's signature covers, before the body. */
function signedHeader(subgraph: string, iat: number, requestId: string, contextDigest: string): string {
  return `${SIGNING_LABEL}${subgraph}\n${iat}\n${requestId}\n${contextDigest}\n`;
}

/** A context header as signed: its text, and the digest each call's signature covers. */
export interface EncodedSubgraphContext {
  header: string;
  digest: string;
}

/** The digest of a context header (hex SM3): computed once per header, not per request. */
export function subgraphContextDigest(header: string): string {
  return createHash('sm3').update(header, 'utf8').digest('hex');
}

export function encodeSubgraphContext(payload: SubgraphContextPayload): EncodedSubgraphContext {
  const header = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return { header, digest: subgraphContextDigest(header) };
}

/** Whether a request id can travel in the signed context (the signature joins fields with newlines). */
export function isSubgraphRequestId(requestId: string): boolean {
  return REQUEST_ID.test(requestId);
}

/** The signature header for one subgraph call of the partner request `requestId`. */
export function signSubgraphCall(
  key: SubgraphContextKey,
  subgraph: string,
  iat: number,
  requestId: string,
  context: EncodedSubgraphContext,
  body: string,
): string {
  if (!isSubgraphRequestId(requestId)) throw new Error('a subgraph request id is 1–128 printable ASCII characters');
  return `${iat}.${key.mac(signedHeader(subgraph, iat, requestId, context.digest), body).toString('hex')}`;
}

const SIGNATURE = /^(\d{1,16})\.([0-9a-f]{64})$/;

/**
 * Whether the signature header is the gateway's, for this subgraph, request id, context and body,
 * signed within `maxSkewMs` of `now`. `contextDigest`: subgraphContextDigest of the context header received.
 */
export function verifySubgraphCall(
  key: SubgraphContextKey,
  subgraph: string,
  requestId: string,
  contextDigest: string,
  signature: string,
  body: string,
  now: number,
  maxSkewMs: number,
): boolean {
  const match = SIGNATURE.exec(signature);
  if (!match || !isSubgraphRequestId(requestId)) return false;
  const iat = Number(match[1]);
  if (Math.abs(now - iat) > maxSkewMs) return false;
  const expected = key.mac(signedHeader(subgraph, iat, requestId, contextDigest), body);
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

/** The payload of a context header; null when it is not a v4 context. */
export function decodeSubgraphContext(encodedContext: string): SubgraphContextPayload | null {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(encodedContext, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null || payload.v !== 4) return null;
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    v: 4,
    partner: text(payload.partner),
    purpose: text(payload.purpose),
    scopes: Array.isArray(payload.scopes) ? payload.scopes.filter((s): s is string => typeof s === 'string') : [],
    identity: payload.identity === 'full' ? 'full' : 'masked',
  };
}
