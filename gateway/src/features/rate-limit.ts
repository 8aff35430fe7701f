/**
 * useRateLimit: a token bucket per partner (rate and burst from the partner's registration);
 * over the limit, RATE_LIMITED with HTTP 429 and Retry-After. A guard, placed after
 * authentication: a refused request costs no parsing, planning or fetching. Requests without an
 * authenticated partner are left to the authentication guard.
 */
import { ERROR_CODES } from '@huimin/schema';
import { RequestRejected } from '../http/graphql-http';
import type { GatewayContext, HttpGuard } from '../pipeline';
import { partnerOf } from './partner-context';
import type { RateLimiter } from './rate-limit-memory';

export function rateLimited(retryAfterMs: number): RequestRejected {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new RequestRejected(ERROR_CODES.RATE_LIMITED.httpStatus, 'RATE_LIMITED', `Rate limit exceeded; retry after ${seconds} s`, {
    headers: { 'retry-after': String(seconds) },
  });
}

export function useRateLimit(limiter: RateLimiter): HttpGuard {
  return {
    name: 'rate-limit',
    async check(context: GatewayContext) {
      const partner = partnerOf(context);
      if (!partner) return;
      const taken = await limiter.take(partner.id, partner.rateLimit);
      if (!taken.allowed) throw rateLimited(taken.retryAfterMs);
    },
  };
}
