/**
 * useAuthentication: the HttpGuard that decides who is asking before GraphQL sees the request.
 * One of three proofs (api.md "Partner authentication"): an HMAC-SM3 signature, a client
 * certificate from the deployment CA (mutual TLS), or a bearer key (internal tools; only over TLS
 * outside development). Then the declared purpose must be one registered for the partner.
 * The partner lands on the request context (partnerOf) for scopes, masking, audit and limits.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { RequestRejected } from '../http/graphql-http';
import type { GatewayContext, HttpGuard } from '../pipeline';
import { PARTNER_HEADERS, SIGNATURE_WINDOW_MS, checkSignature } from './authentication-hmac';
import type { NonceStore } from './authentication-nonces';
import { setPartner, type AuthenticatedPartner } from './partner-context';
import { bearerKeyHash, type PartnerRecord, type PartnerRegistry } from './partners';

export interface AuthenticationOptions {
  partners: PartnerRegistry;
  nonces: NonceStore;
  /** Outside production, bearer keys are accepted over plain HTTP too (local tools). */
  production: boolean;
  clock?: () => number;
}

const PURPOSE = /^[A-Z][A-Z0-9_]{0,63}$/;

function unauthenticated(message: string): RequestRejected {
  return new RequestRejected(401, 'UNAUTHENTICATED', message);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function tlsSocket(req: IncomingMessage): TLSSocket | null {
  const socket = req.socket as Partial<TLSSocket>;
  return socket.encrypted === true ? (req.socket as TLSSocket) : null;
}

/** The verified client certificate's subject CN, or null when none was presented. */
function clientCertificateCn(req: IncomingMessage): string | null {
  const socket = tlsSocket(req);
  if (!socket) return null;
  const certificate = socket.getPeerCertificate();
  if (!certificate || Object.keys(certificate).length === 0) return null;
  if (!socket.authorized) throw unauthenticated('The client certificate was not issued by the deployment CA');
  const cn: unknown = certificate.subject?.CN;
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (typeof name !== 'string' || name === '') throw unauthenticated('The client certificate has no subject CN');
  return name;
}

async function byHmac(req: IncomingMessage, rawBody: Buffer, options: AuthenticationOptions, now: number): Promise<PartnerRecord> {
  const id = header(req, PARTNER_HEADERS.partner);
  const partner = id ? options.partners.byId(id) : undefined;
  if (!partner?.hmacSecret) throw unauthenticated('Unknown partner');
  const check = checkSignature({
    secret: partner.hmacSecret,
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    body: rawBody,
    timestamp: header(req, PARTNER_HEADERS.timestamp),
    nonce: header(req, PARTNER_HEADERS.nonce),
    signature: header(req, PARTNER_HEADERS.signature),
    now,
  });
  if (!check.ok) {
    switch (check.reason) {
      case 'malformed':
        throw unauthenticated('X-Huimin-Timestamp, X-Huimin-Nonce (32 hex) and X-Huimin-Signature (64 hex) are required');
      case 'stale':
        throw unauthenticated('X-Huimin-Timestamp is outside ±300 s of the gateway clock');
      case 'bad-signature':
        throw unauthenticated('The signature does not match the request');
    }
  }
  // Claimed only after the signature holds, so nobody can burn a partner's nonces. Kept until
  // the timestamp itself leaves the window, after which the request would be stale anyway.
  const ttlMs = check.timestamp + SIGNATURE_WINDOW_MS - now + 1_000;
  if (!(await options.nonces.claim(`${partner.id}:${check.nonce}`, ttlMs))) throw unauthenticated('The nonce was already used (replayed request)');
  const certificateCn = clientCertificateCn(req);
  if (certificateCn !== null && certificateCn !== partner.id) throw unauthenticated('The client certificate and X-Huimin-Partner name different partners');
  return partner;
}

function byBearer(req: IncomingMessage, key: string, options: AuthenticationOptions): PartnerRecord {
  if (options.production && !tlsSocket(req)) throw unauthenticated('Bearer keys are accepted only over TLS');
  const partner = options.partners.byBearerKeySm3(bearerKeyHash(key));
  if (!partner) throw unauthenticated('Unknown bearer key');
  const named = header(req, PARTNER_HEADERS.partner);
  if (named !== undefined && named !== partner.id) throw unauthenticated('The bearer key belongs to another partner');
  return partner;
}

function byCertificate(req: IncomingMessage, options: AuthenticationOptions): PartnerRecord | null {
  const cn = clientCertificateCn(req);
  if (cn === null) return null;
  const partner = options.partners.byId(cn);
  if (!partner?.mtls) throw unauthenticated('Unknown partner');
  return partner;
}

function purposeFor(req: IncomingMessage, partner: PartnerRecord): string {
  const purpose = header(req, PARTNER_HEADERS.purpose);
  if (!purpose) throw new RequestRejected(400, 'BAD_REQUEST', 'X-Huimin-Purpose is required: the purpose of this access, one registered for the partner');
  if (!PURPOSE.test(purpose) || !partner.purposes.has(purpose)) {
    throw new RequestRejected(403, 'FORBIDDEN', 'The X-Huimin-Purpose is not registered for this partner');
  }
  return purpose;
}

export function useAuthentication(options: AuthenticationOptions): HttpGuard {
  const clock = options.clock ?? Date.now;
  return {
    name: 'authentication',
    async check(context: GatewayContext): Promise<void> {
      const { req, rawBody } = context.http;
      let partner: PartnerRecord | null;
      let method: AuthenticatedPartner['method'];
      const authorization = header(req, 'authorization');
      if (header(req, PARTNER_HEADERS.signature) !== undefined) {
        partner = await byHmac(req, rawBody, options, clock());
        method = 'hmac';
      } else if (authorization !== undefined && /^Bearer\s+\S+$/i.test(authorization)) {
        partner = byBearer(req, authorization.replace(/^Bearer\s+/i, ''), options);
        method = 'bearer';
      } else {
        partner = byCertificate(req, options);
        method = 'mtls';
      }
      if (!partner) throw unauthenticated('The request is not signed: send X-Huimin-* signature headers, a client certificate or a bearer key');
      setPartner(context, {
        id: partner.id,
        method,
        purpose: purposeFor(req, partner),
        scopes: partner.scopes,
        priorityClass: partner.priorityClass,
        rateLimit: partner.rateLimit,
        costBudget: partner.costBudget,
      });
    },
  };
}
