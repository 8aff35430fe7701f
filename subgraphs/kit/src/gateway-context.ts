/**
 * Subgraphs trust only the gateway: each request must carry the context the gateway signed for
 * this subgraph (gateway/src/features/subgraph-context.ts is the signing side; the wire format is
 * documented there and must agree with this file). A request without it, signed with another
 * key, for another subgraph, too old, or whose query/variables differ from what was signed is
 * refused (UNAUTHENTICATED). The verified caller — partner, purpose, scopes — is then available
 * to resolvers through callerOfContext and to options taking the HTTP request through callerOf.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export const GATEWAY_CONTEXT_HEADER = 'x-huimin-context';
export const GATEWAY_CONTEXT_SIGNATURE_HEADER = 'x-huimin-context-signature';
const SIGNING_LABEL = 'huimin-subgraph-context/v2\n';

export interface GatewayTrust {
  /** The gateway↔subgraph HMAC-SM3 key (HUIMIN_SUBGRAPH_CONTEXT_KEY). */
  key: Buffer;
  /** How far the signing time may be from ours. Default 60 s (gateway and subgraphs share a deployment's clock). */
  maxSkewMs?: number;
  clock?: () => number;
}

export interface GatewayCaller {
  /** Null for the gateway's own requests (the /ready probe). */
  partner: string | null;
  purpose: string | null;
  scopes: ReadonlySet<string>;
  requestId: string;
  /** The gateway's decision on identity masking (the subgraph still checks identity:full). */
  identity: 'full' | 'masked';
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** hex SM3 of the request body as received (the gateway signed the same bytes). */
function bodyHash(rawBody: string): string {
  return createHash('sm3').update(rawBody, 'utf8').digest('hex');
}

/** The verified caller, or null when the request must be refused. `rawBody`: the POST body as received. */
export function verifyGatewayContext(subgraph: string, headers: IncomingHttpHeaders, rawBody: string, trust: GatewayTrust): GatewayCaller | null {
  const encoded = header(headers, GATEWAY_CONTEXT_HEADER);
  const signature = header(headers, GATEWAY_CONTEXT_SIGNATURE_HEADER);
  if (!encoded || !signature || !/^[0-9a-f]{64}$/.test(signature)) return null;
  const expected = createHmac('sm3', trust.key).update(SIGNING_LABEL + encoded, 'utf8').digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return null;
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const now = (trust.clock ?? Date.now)();
  if (payload.v !== 2 || payload.sub !== subgraph || typeof payload.iat !== 'number') return null;
  if (Math.abs(now - payload.iat) > (trust.maxSkewMs ?? 60_000)) return null;
  if (typeof payload.body !== 'string' || payload.body !== bodyHash(rawBody)) return null;
  const scopes = Array.isArray(payload.scopes) ? payload.scopes.filter((s): s is string => typeof s === 'string') : [];
  return {
    partner: typeof payload.partner === 'string' ? payload.partner : null,
    purpose: typeof payload.purpose === 'string' ? payload.purpose : null,
    scopes: new Set(scopes),
    requestId: typeof payload.rid === 'string' ? payload.rid : '',
    identity: payload.identity === 'full' ? 'full' : 'masked',
  };
}

const callersByRequest = new WeakMap<IncomingMessage, GatewayCaller>();
// A symbol property rather than a WeakMap: Apollo Server hands resolvers a shallow copy of the
// context object, which keeps own (symbol) properties but not WeakMap identity.
const CALLER = Symbol('huimin.gatewayCaller');

export function rememberCaller(request: IncomingMessage, caller: GatewayCaller): void {
  callersByRequest.set(request, caller);
}

/** The verified caller of this HTTP request (undefined when the subgraph does not check). */
export function callerOf(request: IncomingMessage): GatewayCaller | undefined {
  return callersByRequest.get(request);
}

export function bindCallerToContext(context: object, caller: GatewayCaller): void {
  Object.defineProperty(context, CALLER, { value: caller, enumerable: true });
}

/** The verified caller behind a resolver's context (undefined when the subgraph does not check). */
export function callerOfContext(context: unknown): GatewayCaller | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  return (context as { [CALLER]?: GatewayCaller })[CALLER];
}

/** Unmasked identity only when the gateway decided so and the partner really holds identity:full. */
export function mayUnmaskIdentity(caller: GatewayCaller | undefined): boolean {
  return caller !== undefined && caller.identity === 'full' && caller.scopes.has('identity:full');
}
