/**
 * Who is asking, once authentication has run: the partner, the purpose they declared and what
 * their registration allows. Stored on the request context by the authentication guard; read by
 * scopes, masking, audit, limits and rate limits.
 */
import type { GatewayContext } from '../pipeline';

export type Scope =
  | 'identity:read'
  | 'identity:full'
  | 'eligibility:read'
  | 'balance:read'
  | 'medical:read'
  | 'subsidy:read'
  | 'transit:read'
  | 'transit:topup'
  | 'analytics:read'
  | 'audit:read';

export type PriorityClass = 'counter' | 'standard' | 'analytics';

export interface AuthenticatedPartner {
  id: string;
  /** How they proved it. */
  method: 'hmac' | 'mtls' | 'bearer';
  purpose: string;
  scopes: ReadonlySet<Scope>;
  priorityClass: PriorityClass;
  /** Requests per second (token bucket refill) and burst. */
  rateLimit: { perSecond: number; burst: number };
  /** The most cost units one operation may use. */
  costBudget: number;
}

const PARTNER = 'partner';

export function setPartner(context: GatewayContext, partner: AuthenticatedPartner): void {
  context[PARTNER] = partner;
}

export function partnerOf(context: GatewayContext): AuthenticatedPartner | undefined {
  return context[PARTNER] as AuthenticatedPartner | undefined;
}
