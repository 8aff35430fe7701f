/**
 * A minimal GraphQL-over-HTTP client for the end-to-end tests, signing each request as a
 * development partner (gateway/partners.dev.json, secrets in the README).
 *
 * The default is counter-full, the one dev partner holding every scope: the suites read every
 * bureau's data through the analytics batch `citizens(ids:)`, where identity is always masked.
 */
import { signPartnerRequest } from '@huimin/gateway';

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** The HMAC-signing dev partners and their development secrets. */
export const DEV_HMAC_SECRETS = {
  'demo-app': 'demo-app-dev-secret',
  'counter-full': 'counter-full-dev-secret',
  'transit-interconnect': 'transit-dev-secret',
} as const;
export type DevHmacPartner = keyof typeof DEV_HMAC_SECRETS;

/** The analytics partner's bearer key. */
export const DEV_ANALYTICS_BEARER_KEY = 'analytics-dev-key';

export interface Signer {
  partner: string;
  secret: string;
  purpose: string;
}

export function devSigner(partner: DevHmacPartner, purpose = 'BENEFIT_SERVICE'): Signer {
  return { partner, secret: DEV_HMAC_SECRETS[partner], purpose };
}

/** Headers signing this body for this URL (a fresh nonce and the current time). */
export function signedHeaders(url: string, body: string, signer: Signer, method = 'POST'): Record<string, string> {
  const target = new URL(url);
  return signPartnerRequest({ ...signer, method, path: `${target.pathname}${target.search}`, body });
}

export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  /** Null sends the request unsigned. */
  signer: Signer | null = devSigner('counter-full'),
): Promise<GraphQLResponse<T>> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signer ? signedHeaders(url, body, signer) : {}), ...headers },
    body,
  });
  const parsed = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...parsed };
}
