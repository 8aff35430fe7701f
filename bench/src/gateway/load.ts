/** One timed run of a query's request bodies against a gateway, with autocannon on 127.0.0.1. */
import autocannon from 'autocannon';
import type { RequestSigner } from './access';

export interface LoadOptions {
  durationS: number;
  connections: number;
}

export interface LoadResult {
  /** Completed requests (any status). */
  requests: number;
  /** Requests sent, including those still in flight when the run stopped (their work still happens). */
  sent: number;
  durationS: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  socketErrors: number;
  /** 2xx answers whose body carries GraphQL errors. */
  graphqlErrors: number;
  /** Signed requests that had to be signed while the run was timed (the presigned ones ran out). */
  signedDuringRun: number;
}

/**
 * Signed requests made before a timed run, per second of it: far above any rate measured here.
 * A partner signs on its own machine; signing inside the run would charge contender (e), on the
 * two cores the bench shares, for work that is not the gateway's.
 */
const PRESIGNED_PER_SECOND = 2500;

interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

function presign(bodies: readonly string[], path: string, sign: RequestSigner, count: number): SignedRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const body = bodies[i % bodies.length] as string;
    return { body, headers: { 'content-type': 'application/json', ...sign(path, body) } };
  });
}

/**
 * Each request takes the next body in turn (shared across connections), so ids rotate. With
 * `sign`, each request also carries its partner signature headers (a new nonce each), signed
 * before the run starts; should those run out, the rest are signed as they are sent, and counted.
 */
export async function runAutocannon(url: string, bodies: readonly string[], options: LoadOptions, sign: RequestSigner | null = null): Promise<LoadResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`the bench loads 127.0.0.1 only, not ${url}`);
  const path = new URL(url).pathname;
  let next = 0;
  let graphqlErrors = 0;
  let signedDuringRun = 0;
  const signed = sign ? presign(bodies, path, sign, Math.ceil(options.durationS * PRESIGNED_PER_SECOND)) : [];
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const at = next++;
          const ready = signed[at];
          if (ready) {
            request.body = ready.body;
            request.headers = ready.headers;
            return request;
          }
          const body = bodies[at % bodies.length] as string;
          request.body = body;
          if (sign) {
            signedDuringRun += 1;
            request.headers = { ...request.headers, ...sign(path, body) };
          }
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
    sent: Math.max(result.requests.sent, requests),
    durationS: result.duration,
    requestsPerSecond: requests / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    socketErrors: result.errors,
    graphqlErrors,
    signedDuringRun,
  };
}
