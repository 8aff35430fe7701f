/**
 * How contender (e)'s subgraphs know the gateway, made once per run by the driver and handed to
 * the upstream and to (e) as environment variables, the way a deployment configures them:
 * - `mutual-tls` (default, as the stack runs): development material in a temporary certs folder
 *   (@huimin/certs layout); each trusted subgraph serves HTTPS with its certificate and accepts
 *   the gateway's client certificate; the gateway reads HUIMIN_SUBGRAPH_CA / _CLIENT_CERT / _CLIENT_KEY;
 * - `signed`: a fresh HUIMIN_SUBGRAPH_CONTEXT_KEY both sides share.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GATEWAY_CLIENT_NAME,
  caCertFile,
  gatewayClientCertFile,
  gatewayClientKeyFile,
  generateDevMaterial,
  serverCertFile,
  serverKeyFile,
  subgraphServerName,
} from '@huimin/certs';
import type { GatewayTrust } from '@huimin/subgraph-kit';
import type { BenchSubgraph } from './bench-subgraphs';

export const GATEWAY_TRUST_MODES = ['mutual-tls', 'signed'] as const;
export type GatewayTrustMode = (typeof GATEWAY_TRUST_MODES)[number];

/** Set in the upstream's environment: which trust its twin subgraphs use. */
const MODE_ENV = 'BENCH_GATEWAY_TRUST';

export interface PreparedGatewayTrust {
  mode: GatewayTrustMode;
  /** For the upstream and its subgraph hosts. */
  upstreamEnv: Record<string, string>;
  /** For contender (e). */
  gatewayEnv: Record<string, string>;
  close(): void;
}

export async function prepareGatewayTrust(mode: GatewayTrustMode): Promise<PreparedGatewayTrust> {
  if (mode === 'signed') {
    const key = randomBytes(32).toString('hex');
    return { mode, upstreamEnv: { [MODE_ENV]: mode, HUIMIN_SUBGRAPH_CONTEXT_KEY: key }, gatewayEnv: { HUIMIN_SUBGRAPH_CONTEXT_KEY: key }, close: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'huimin-bench-certs-'));
  await generateDevMaterial(dir);
  return {
    mode,
    upstreamEnv: { [MODE_ENV]: mode, HUIMIN_CERTS_DIR: dir },
    gatewayEnv: { HUIMIN_SUBGRAPH_CA: caCertFile(dir), HUIMIN_SUBGRAPH_CLIENT_CERT: gatewayClientCertFile(dir), HUIMIN_SUBGRAPH_CLIENT_KEY: gatewayClientKeyFile(dir) },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** In the upstream: the trust a twin subgraph checks, or null when the run has no contender (e). */
export function subgraphTrustFromEnv(subgraph: BenchSubgraph, env: Readonly<Record<string, string | undefined>> = process.env): GatewayTrust | null {
  const mode = env[MODE_ENV];
  if (mode === undefined || mode === '') return null;
  if (mode === 'signed') {
    const hex = env.HUIMIN_SUBGRAPH_CONTEXT_KEY ?? '';
    if (!/^(?:[0-9a-fA-F]{2}){16,64}$/.test(hex)) throw new Error('signed gateway trust needs HUIMIN_SUBGRAPH_CONTEXT_KEY: 32–128 hex characters');
    return { key: Buffer.from(hex, 'hex') };
  }
  if (mode !== 'mutual-tls') throw new Error(`${MODE_ENV} must be ${GATEWAY_TRUST_MODES.join(' or ')}, got ${mode}`);
  const dir = env.HUIMIN_CERTS_DIR;
  if (!dir) throw new Error('mutual-tls gateway trust needs HUIMIN_CERTS_DIR');
  const server = subgraphServerName(subgraph);
  return {
    mutualTls: {
      certPem: readFileSync(serverCertFile(dir, server), 'utf8'),
      keyPem: readFileSync(serverKeyFile(dir, server), 'utf8'),
      caPem: readFileSync(caCertFile(dir), 'utf8'),
      gatewayName: GATEWAY_CLIENT_NAME,
    },
  };
}
