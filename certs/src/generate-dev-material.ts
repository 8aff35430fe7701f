/**
 * `npm run certs`: writes the development material into the certs folder, keeping whatever is
 * already there and sound (so restarts keep their keys) unless `force`. A new CA re-issues every
 * certificate; a bureau's two key files are made together, so its halves always match.
 */
import { join } from 'node:path';
import {
  KEY_FILE_BUREAUS,
  keyFilePath,
  parseAppKeyFile,
  parseBureauKeyFile,
  type KeyFileBureau,
} from '@huimin/adapters';
import {
  GATEWAY_CLIENT_NAME,
  PARTNER_IDS,
  SERVER_NAMES,
  caCertFile,
  caKeyFile,
  gatewayClientCertFile,
  gatewayClientKeyFile,
  partnerCertFile,
  partnerKeyFile,
  serverCertFile,
  serverKeyFile,
} from './layout';
import { PUBLIC_FILE_MODE, SECRET_FILE_MODE, readOptional, writeMaterialFile } from './material-files';
import { DEV_APP_ID, createBureauKeyFiles } from './protocol-keys';
import {
  certificateAuthorityFromPem,
  createCertificateAuthority,
  isUsableIdentity,
  issueClientCertificate,
  issueServerCertificate,
  type CertificateAuthority,
  type TlsIdentity,
} from './tls-certificates';

export interface GenerateDevMaterialOptions {
  /** Replace everything, even sound material. */
  force?: boolean;
  appId?: string;
}

export interface GenerationReport {
  dir: string;
  /** What was written this run, e.g. `ca`, `tls/gateway`, `bureaus/finance`. */
  made: string[];
  /** What was already there and kept. */
  kept: string[];
}

function storedCa(dir: string): CertificateAuthority | null {
  const certPem = readOptional(caCertFile(dir));
  const keyPem = readOptional(caKeyFile(dir));
  if (certPem === null || keyPem === null) return null;
  try {
    return certificateAuthorityFromPem(certPem, keyPem);
  } catch {
    return null;
  }
}

async function ensureIdentity(
  ca: CertificateAuthority,
  files: { cert: string; key: string },
  keep: boolean,
  issue: () => Promise<TlsIdentity>,
): Promise<boolean> {
  const certPem = readOptional(files.cert);
  const keyPem = readOptional(files.key);
  if (keep && certPem !== null && keyPem !== null && isUsableIdentity(ca, { certPem, keyPem })) return false;
  const identity = await issue();
  writeMaterialFile(files.key, identity.keyPem, SECRET_FILE_MODE);
  writeMaterialFile(files.cert, identity.certPem, PUBLIC_FILE_MODE);
  return true;
}

function bureauKeysSound(dir: string, bureau: KeyFileBureau): boolean {
  const app = readOptional(keyFilePath(dir, bureau, 'app'));
  const own = readOptional(keyFilePath(dir, bureau, 'bureau'));
  if (app === null || own === null) return false;
  try {
    parseAppKeyFile(bureau, app, keyFilePath(dir, bureau, 'app'));
    parseBureauKeyFile(bureau, own, keyFilePath(dir, bureau, 'bureau'));
    return true;
  } catch {
    return false;
  }
}

export async function generateDevMaterial(dir: string, options: GenerateDevMaterialOptions = {}): Promise<GenerationReport> {
  const report: GenerationReport = { dir, made: [], kept: [] };
  const note = (made: boolean, what: string): void => void (made ? report.made : report.kept).push(what);
  // Whatever else happens, nothing in this folder is ever committed, wherever it is.
  writeMaterialFile(join(dir, '.gitignore'), '*\n', PUBLIC_FILE_MODE);

  let ca = options.force ? null : storedCa(dir);
  const keepCertificates = ca !== null;
  note(ca === null, 'ca');
  if (ca === null) {
    ca = await createCertificateAuthority();
    writeMaterialFile(caKeyFile(dir), ca.keyPem, SECRET_FILE_MODE);
    writeMaterialFile(caCertFile(dir), ca.certPem, PUBLIC_FILE_MODE);
  }
  const authority = ca;
  const certificates = [
    ...SERVER_NAMES.map((name) => ({
      what: `tls/${name}`,
      files: { cert: serverCertFile(dir, name), key: serverKeyFile(dir, name) },
      issue: () => issueServerCertificate(authority, name),
    })),
    ...PARTNER_IDS.map((id) => ({
      what: `partners/${id}`,
      files: { cert: partnerCertFile(dir, id), key: partnerKeyFile(dir, id) },
      issue: () => issueClientCertificate(authority, id),
    })),
    {
      what: 'tls/gateway-client',
      files: { cert: gatewayClientCertFile(dir), key: gatewayClientKeyFile(dir) },
      issue: () => issueClientCertificate(authority, GATEWAY_CLIENT_NAME),
    },
  ];
  const made = await Promise.all(certificates.map((c) => ensureIdentity(authority, c.files, keepCertificates, c.issue)));
  certificates.forEach((c, i) => note(made[i] === true, c.what));

  for (const bureau of KEY_FILE_BUREAUS) {
    if (!options.force && bureauKeysSound(dir, bureau)) {
      note(false, `bureaus/${bureau}`);
      continue;
    }
    const pair = await createBureauKeyFiles(bureau, options.appId ?? DEV_APP_ID);
    writeMaterialFile(keyFilePath(dir, bureau, 'bureau'), `${JSON.stringify(pair.bureau, null, 2)}\n`, SECRET_FILE_MODE);
    writeMaterialFile(keyFilePath(dir, bureau, 'app'), `${JSON.stringify(pair.app, null, 2)}\n`, SECRET_FILE_MODE);
    note(true, `bureaus/${bureau}`);
  }
  return report;
}
