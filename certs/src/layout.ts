/**
 * Where the development material lives inside the certs folder (default var/certs, git-ignored;
 * HUIMIN_CERTS_DIR to move it). The bureaus' key files follow the adapters' own layout
 * (keyFilePath in @huimin/adapters), since the adapters read them.
 */
import { join, resolve } from 'node:path';

/** Every server that gets a TLS certificate. */
export const SERVER_NAMES = [
  'gateway',
  'subgraph-civil-affairs',
  'subgraph-medical-insurance',
  'subgraph-finance',
  'subgraph-transit',
  'subgraph-audit',
  'bureau-civil-affairs',
  'bureau-medical-insurance',
  'bureau-finance',
  'bureau-transit',
] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

export const SUBGRAPH_SERVER_NAMES = ['subgraph-civil-affairs', 'subgraph-medical-insurance', 'subgraph-finance', 'subgraph-transit', 'subgraph-audit'] as const satisfies readonly ServerName[];
export type SubgraphServerName = (typeof SUBGRAPH_SERVER_NAMES)[number];

/** A subgraph's certificate name: `subgraph-<subgraph>`, for the four bureau subgraphs and audit. */
export function subgraphServerName(subgraph: string): SubgraphServerName {
  const name = `subgraph-${subgraph}`;
  if (!(SUBGRAPH_SERVER_NAMES as readonly string[]).includes(name)) throw new Error(`no certificate name for subgraph ${subgraph}`);
  return name as SubgraphServerName;
}

export const BUREAU_SERVER_NAMES = ['bureau-civil-affairs', 'bureau-medical-insurance', 'bureau-finance', 'bureau-transit'] as const satisfies readonly ServerName[];

/** The partners that get a client certificate (subject CN = partner id). */
export const PARTNER_IDS = ['demo-app', 'counter-full', 'transit-interconnect', 'analytics'] as const;
export type PartnerId = (typeof PARTNER_IDS)[number];

/**
 * The subject CN of the gateway's client certificate, the one the subgraphs accept over mutual
 * TLS. The dot keeps it out of the partner id space (lower-case letters, digits and dashes), so no
 * partner's client certificate from the same CA can pass for the gateway.
 */
export const GATEWAY_CLIENT_NAME = 'huimin-gateway.internal';

/** var/certs at the repository root, wherever the code runs from (src under jest, dist otherwise). */
export const DEFAULT_CERTS_DIR = resolve(__dirname, '..', '..', 'var', 'certs');

/** HUIMIN_CERTS_DIR (relative to the working directory) or the default. */
export function certsDirFrom(env: Readonly<Record<string, string | undefined>>): string {
  const configured = env.HUIMIN_CERTS_DIR;
  return configured ? resolve(configured) : DEFAULT_CERTS_DIR;
}

export const caCertFile = (dir: string): string => join(dir, 'ca', 'ca.crt.pem');
export const caKeyFile = (dir: string): string => join(dir, 'ca', 'ca.key.pem');
export const serverCertFile = (dir: string, name: ServerName): string => join(dir, 'tls', `${name}.crt.pem`);
export const serverKeyFile = (dir: string, name: ServerName): string => join(dir, 'tls', `${name}.key.pem`);
export const partnerCertFile = (dir: string, id: PartnerId): string => join(dir, 'partners', `${id}.crt.pem`);
export const partnerKeyFile = (dir: string, id: PartnerId): string => join(dir, 'partners', `${id}.key.pem`);
export const gatewayClientCertFile = (dir: string): string => join(dir, 'tls', 'gateway-client.crt.pem');
export const gatewayClientKeyFile = (dir: string): string => join(dir, 'tls', 'gateway-client.key.pem');
