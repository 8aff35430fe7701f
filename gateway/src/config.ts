/**
 * The gateway's configuration: one typed object with documented defaults, read once from the
 * environment (and command-line flags), validated with messages that name the bad key.
 */
export interface GatewayConfig {
  /** HOST: interface to listen on. Default 127.0.0.1. */
  host: string;
  /** PORT: default 4000; 0 picks a free port. */
  port: number;
  /** HUIMIN_SUPERGRAPH_FILE or --supergraph: the composed supergraph SDL to serve. */
  supergraphFile: string | null;
  /** HUIMIN_SUBGRAPH_URLS: `name=url,name=url` overriding routing URLs in the supergraph. */
  subgraphUrls: Record<string, string>;
  /** HUIMIN_SUBGRAPH_TIMEOUT_MS: per subgraph fetch. Default 5000. */
  subgraphTimeoutMs: number;
  /** HUIMIN_READY_TIMEOUT_MS: per subgraph probe behind GET /ready. Default 1000. */
  readyProbeTimeoutMs: number;
  /** HUIMIN_MAX_BODY_BYTES: largest request body accepted. Default 64 KiB. */
  maxBodyBytes: number;
  /** NODE_ENV=production turns introspection off. */
  production: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(env: Record<string, string | undefined>, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function subgraphUrls(raw: string | undefined): Record<string, string> {
  const urls: Record<string, string> = {};
  if (!raw) return urls;
  for (const pair of raw.split(',')) {
    const [name, url] = pair.split('=').map((part) => part.trim());
    if (!name || !url || !/^https?:\/\//.test(url)) {
      throw new ConfigError(`HUIMIN_SUBGRAPH_URLS entries must be name=http(s)://..., got "${pair}"`);
    }
    urls[name] = url;
  }
  return urls;
}

/** Builds the config from the environment; every key is optional and documented in the README. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    supergraphFile: env.HUIMIN_SUPERGRAPH_FILE || null,
    subgraphUrls: subgraphUrls(env.HUIMIN_SUBGRAPH_URLS),
    subgraphTimeoutMs: integer(env, 'HUIMIN_SUBGRAPH_TIMEOUT_MS', 5000, 1, 600_000),
    readyProbeTimeoutMs: integer(env, 'HUIMIN_READY_TIMEOUT_MS', 1000, 1, 60_000),
    maxBodyBytes: integer(env, 'HUIMIN_MAX_BODY_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    production: env.NODE_ENV === 'production',
  };
}
