/**
 * The composition root of the gateway's features: config in, the list of guards, plugins and
 * subgraph hooks out. Each feature lives in its own file under features/; add it here.
 */
import { ConfigError, type GatewayConfig } from './config';
import { useAuthentication } from './features/authentication';
import { openNonceStore } from './features/authentication-nonces';
import { useMasking } from './features/masking';
import { loadPartnersFile } from './features/partners';
import { useScopes } from './features/scopes';
import { useSubgraphContext } from './features/subgraph-context';
import { openAuditStore } from './audit/open-audit-store';
import { useAudit } from './features/audit';
import { useDeadline } from './features/deadline';
import { useOverloadProtection } from './features/overload';
import { limitsPlugins, useTokenLimit } from './features/limits';
import { loadPersistedOperations, usePersistedOperations } from './features/persisted-operations';
import { useRateLimit } from './features/rate-limit';
import { createMemoryRateLimiter } from './features/rate-limit-memory';
import { createRedisRateLimiter } from './features/rate-limit-redis';
import { createLogger } from './logging/logger';
import { noFeatures, type GatewayFeatures } from './pipeline';

/** `env` resolves {"env": NAME} secret references in the partners file. */
export async function buildGatewayFeatures(config: GatewayConfig, env: Record<string, string | undefined> = process.env): Promise<GatewayFeatures> {
  const features = noFeatures();
  // Access first: every later guard and plugin reads the partner that authentication sets.
  if (config.partnersFile) {
    const partners = loadPartnersFile(config.partnersFile, { production: config.production, env });
    const nonces = await openNonceStore(config.redisUrl, config.redisKeyPrefix);
    features.closers.push(() => nonces.close());
    features.guards.push(useAuthentication({ partners, nonces, production: config.production }));
    features.plugins.push(useScopes(), useMasking());
  } else if (config.production) {
    throw new ConfigError('HUIMIN_PARTNERS_FILE is required in production: without it anyone could read citizen data');
  }
  // Subgraphs know the gateway by its signed context or by its client certificate (both may be set).
  if (config.subgraphContextKey || config.subgraphTls) features.subgraphRequestHooks.push(useSubgraphContext({ signingKey: config.subgraphContextKey }));
  // After authentication: these read the partner's rate, registered operations and cost budget.
  // The rate limit goes first so a flood costs the least.
  const log = createLogger({ fields: { component: 'gateway' } });
  const limiter = config.redisUrl ? await createRedisRateLimiter({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, log }) : createMemoryRateLimiter();
  features.closers.push(() => limiter.close());
  features.guards.push(useRateLimit(limiter), useTokenLimit(config.limits.maxTokens));
  // The deadline by the partner's class, then admission by that class within the deadline.
  const deadline = useDeadline(config.deadlines);
  features.guards.push(deadline.guard, useOverloadProtection(config.overload));
  features.subgraphRequestHooks.push(deadline.subgraphHook);
  if (config.persistedOperations.file) {
    const persisted = usePersistedOperations({ registry: loadPersistedOperations(config.persistedOperations.file), only: config.persistedOperations.only });
    features.guards.push(persisted.guard);
    features.plugins.push(persisted.plugin);
  }
  features.plugins.push(...limitsPlugins(config));
  // Audit last: it records the document that really runs, after scopes have cut it, and its
  // store closes after the requests in flight have been recorded.
  const auditStore = await openAuditStore(config, log);
  features.closers.push(() => auditStore.close());
  features.plugins.push(useAudit({ store: auditStore, log }));
  return features;
}
