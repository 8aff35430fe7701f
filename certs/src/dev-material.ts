/**
 * Development material as the stack uses it: the CA certificate, TLS identities for the servers
 * and partners, and every bureau's protocol keys (both halves, as files and as the protocol
 * modules' key types). Made in memory for tests, or loaded from the certs folder.
 */
import {
  clientKeysFrom,
  readAppKeyFiles,
  readBureauKeyFiles,
  serverKeysFrom,
  type ClientKeySet,
  type KeyFiles,
  type ServerKeySet,
} from '@huimin/adapters';
import {
  GATEWAY_CLIENT_NAME,
  PARTNER_IDS,
  SERVER_NAMES,
  caCertFile,
  gatewayClientCertFile,
  gatewayClientKeyFile,
  partnerCertFile,
  partnerKeyFile,
  serverCertFile,
  serverKeyFile,
  type PartnerId,
  type ServerName,
} from './layout';
import { readRequired } from './material-files';
import { DEV_APP_ID, createKeyFiles } from './protocol-keys';
import { createCertificateAuthority, issueClientCertificate, issueServerCertificate, type TlsIdentity } from './tls-certificates';

export interface DevMaterial {
  /** The CA every server certificate chains to: what clients trust. */
  caCertPem: string;
  servers: Partial<Record<ServerName, TlsIdentity>>;
  partners: Partial<Record<PartnerId, TlsIdentity>>;
  /** The gateway's client certificate towards the subgraphs (subject CN GATEWAY_CLIENT_NAME), when made. */
  gatewayClient: TlsIdentity | null;
  /** The protocol keys as stored (both halves), e.g. to load them with another `sendWith`. */
  keyFiles: KeyFiles;
  /** The same keys as the adapters (client) and bureaus (server) use them, sending with `current`. */
  keys: { client: ClientKeySet; server: ServerKeySet };
}

/** A server's identity; throws when the material was made without it. */
export function serverIdentity(material: DevMaterial, name: ServerName): TlsIdentity {
  const identity = material.servers[name];
  if (!identity) throw new Error(`the development material has no TLS certificate for ${name}`);
  return identity;
}

/** The gateway's client identity; throws when the material was made without it. */
export function gatewayClientIdentity(material: DevMaterial): TlsIdentity {
  if (!material.gatewayClient) throw new Error('the development material has no gateway client certificate');
  return material.gatewayClient;
}

type Identities = Pick<DevMaterial, 'caCertPem' | 'servers' | 'partners' | 'gatewayClient'>;

function withKeys(identities: Identities, keyFiles: KeyFiles): DevMaterial {
  return { ...identities, keyFiles, keys: { client: clientKeysFrom(keyFiles.app), server: serverKeysFrom(keyFiles.bureau) } };
}

export interface CreateDevMaterialOptions {
  /** Which servers get a certificate; all by default. */
  servers?: readonly ServerName[];
  /** Which partners get a client certificate; all by default. */
  partners?: readonly PartnerId[];
  /** Whether the gateway gets its client certificate towards the subgraphs; default true. */
  gatewayClient?: boolean;
  appId?: string;
}

/** Throwaway material in memory (tests): nothing touches the disk. */
export async function createDevMaterial(options: CreateDevMaterialOptions = {}): Promise<DevMaterial> {
  const serverNames = options.servers ?? SERVER_NAMES;
  const partnerIds = options.partners ?? PARTNER_IDS;
  const [ca, keyFiles] = await Promise.all([createCertificateAuthority(), createKeyFiles(options.appId ?? DEV_APP_ID)]);
  const [servers, partners, gatewayClient] = await Promise.all([
    Promise.all(serverNames.map(async (name) => [name, await issueServerCertificate(ca, name)] as const)),
    Promise.all(partnerIds.map(async (id) => [id, await issueClientCertificate(ca, id)] as const)),
    options.gatewayClient === false ? null : issueClientCertificate(ca, GATEWAY_CLIENT_NAME),
  ]);
  return withKeys({ caCertPem: ca.certPem, servers: Object.fromEntries(servers), partners: Object.fromEntries(partners), gatewayClient }, keyFiles);
}

export interface LoadDevMaterialOptions {
  /** Where HUIMIN_KEYS_<BUREAU>_<SIDE> may override a key file (see @huimin/adapters loadClientKeys). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Everything generateDevMaterial wrote; throws naming the first missing or malformed file. */
export function loadDevMaterial(dir: string, options: LoadDevMaterialOptions = {}): DevMaterial {
  const identity = (certFile: string, keyFile: string): TlsIdentity => ({ certPem: readRequired(certFile), keyPem: readRequired(keyFile) });
  const servers = Object.fromEntries(SERVER_NAMES.map((name) => [name, identity(serverCertFile(dir, name), serverKeyFile(dir, name))]));
  const partners = Object.fromEntries(PARTNER_IDS.map((id) => [id, identity(partnerCertFile(dir, id), partnerKeyFile(dir, id))]));
  const source = { dir, ...(options.env ? { env: options.env } : {}) };
  const keyFiles: KeyFiles = { app: readAppKeyFiles(source), bureau: readBureauKeyFiles(source) };
  const gatewayClient = identity(gatewayClientCertFile(dir), gatewayClientKeyFile(dir));
  return withKeys({ caCertPem: readRequired(caCertFile(dir)), servers, partners, gatewayClient }, keyFiles);
}
