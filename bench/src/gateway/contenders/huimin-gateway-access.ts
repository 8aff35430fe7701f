/**
 * Contender (e): our gateway with every feature buildGatewayFeatures switches on from config —
 * partner authentication (HMAC-SM3, nonces in memory), scopes, masking, the subgraph context
 * (over mutual TLS, or signed: gateway-trust.ts), rate limit, deadlines, overload protection,
 * query limits, persisted operations as a
 * safelist (production's default) and the audit trail — as a deployment without Redis or
 * PostgreSQL runs it. The partners file is the bench's own (access.ts), and the bench partner
 * registers the bench's two operations; the audit trail and that registry go to a temporary
 * folder, removed on stop. The gateway ↔ subgraph trust (key, or CA and client certificate files)
 * comes from the driver, which gave the upstream the other side.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGatewayFeatures, loadGatewayConfig, startGateway } from '@huimin/gateway';
import { BENCH_PARTNERS_FILE, loadBenchPartner } from '../access';
import { QUERY_NAMES, QUERY_TEXTS } from '../queries';
import { serveContender } from './serve-contender';

serveContender(async (supergraphSdl) => {
  const trustKeys = ['HUIMIN_SUBGRAPH_CONTEXT_KEY', 'HUIMIN_SUBGRAPH_CA', 'HUIMIN_SUBGRAPH_CLIENT_CERT', 'HUIMIN_SUBGRAPH_CLIENT_KEY'];
  const trust = Object.fromEntries(trustKeys.flatMap((key) => (process.env[key] ? [[key, process.env[key] as string]] : [])));
  if (Object.keys(trust).length === 0) throw new Error('contender (e) needs the gateway ↔ subgraph trust the upstream checks (gateway-trust.ts)');
  const dir = mkdtempSync(join(tmpdir(), 'huimin-bench-access-'));
  const persistedFile = join(dir, 'persisted-operations.json');
  writeFileSync(persistedFile, JSON.stringify({ [loadBenchPartner().id]: QUERY_NAMES.map((query) => QUERY_TEXTS[query]) }));
  // Only these keys (and the commit delay below): DATABASE_URL or REDIS_URL from the caller's shell must not switch stores.
  const env = {
    PORT: '0',
    HUIMIN_PARTNERS_FILE: BENCH_PARTNERS_FILE,
    HUIMIN_AUDIT_FILE: join(dir, 'audit.jsonl'),
    ...trust,
    HUIMIN_PERSISTED_OPERATIONS_FILE: persistedFile,
    HUIMIN_PERSISTED_ONLY: 'true',
    // Passed through for experiments with the audit's group commit; unset, the gateway's default.
    ...(process.env.HUIMIN_AUDIT_COMMIT_DELAY_MS ? { HUIMIN_AUDIT_COMMIT_DELAY_MS: process.env.HUIMIN_AUDIT_COMMIT_DELAY_MS } : {}),
  };
  const config = loadGatewayConfig(env);
  const gateway = await startGateway(config, supergraphSdl, await buildGatewayFeatures(config, env));
  return {
    url: gateway.url,
    close: async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
