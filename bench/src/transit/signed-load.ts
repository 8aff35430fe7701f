/**
 * One timed autocannon run against the gateway, each request signed afresh as a partner
 * (HMAC-SM3 with a new nonce: the gateway refuses a replayed signature), bodies taken in turn.
 */
import autocannon from 'autocannon';
import { signPartnerRequest } from '@huimin/gateway';

export interface Signer {
  partner: string;
  secret: string;
  purpose: string;
}

export interface SignedLoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
  /** 2xx answers carrying GraphQL errors. */
  graphqlErrors: number;
}

export async function runSignedLoad(url: string, bodies: readonly string[], signer: Signer, options: { durationS: number; connections: number }): Promise<SignedLoadResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`the bench loads 127.0.0.1 only, not ${url}`);
  const path = new URL(url).pathname;
  let next = 0;
  let graphqlErrors = 0;
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const body = bodies[next++ % bodies.length] as string;
          request.body = body;
          request.headers = { 'content-type': 'application/json', ...signPartnerRequest({ ...signer, method: 'POST', path, body }) };
          return request;
        },
        onResponse: (_status, body) => {
          if (body.includes('"errors"')) graphqlErrors += 1;
        },
      },
    ],
  });
  const requests = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    requests,
    requestsPerSecond: requests / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    socketErrors: result.errors,
    graphqlErrors,
  };
}
