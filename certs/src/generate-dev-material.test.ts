/**
 * `npm run certs` into a temporary folder: what it writes, with which modes, that the
 * certificates chain to the CA with the right names, and that a second run keeps everything.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyFilePath } from '@huimin/adapters';
import { generateDevMaterial } from './generate-dev-material';
import { GATEWAY_CLIENT_NAME, PARTNER_IDS, SERVER_NAMES, caCertFile, gatewayClientCertFile, caKeyFile, partnerCertFile, partnerKeyFile, serverCertFile, serverKeyFile } from './layout';

const modeOf = (file: string): number => statSync(file).mode & 0o777;

describe('generateDevMaterial', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'huimin-certs-'));
    const report = await generateDevMaterial(dir);
    expect(report.kept).toEqual([]);
    expect(report.made).toHaveLength(1 + SERVER_NAMES.length + PARTNER_IDS.length + 1 + 4);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes private keys 0600 and certificates 0644, and git-ignores the folder', () => {
    expect(modeOf(caKeyFile(dir))).toBe(0o600);
    expect(modeOf(caCertFile(dir))).toBe(0o644);
    for (const name of SERVER_NAMES) expect(modeOf(serverKeyFile(dir, name))).toBe(0o600);
    for (const id of PARTNER_IDS) expect(modeOf(partnerKeyFile(dir, id))).toBe(0o600);
    for (const bureau of ['civil-affairs', 'medical-insurance', 'finance', 'transit'] as const) {
      expect(modeOf(keyFilePath(dir, bureau, 'app'))).toBe(0o600);
      expect(modeOf(keyFilePath(dir, bureau, 'bureau'))).toBe(0o600);
    }
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('*\n');
  });

  it('issues server certificates for 127.0.0.1 and localhost, signed by the CA', () => {
    const ca = new X509Certificate(readFileSync(caCertFile(dir)));
    expect(ca.ca).toBe(true);
    for (const name of SERVER_NAMES) {
      const cert = new X509Certificate(readFileSync(serverCertFile(dir, name)));
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(cert.checkHost('localhost')).toBe('localhost');
      expect(cert.subject).toContain(`CN=${name}`);
      expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
      expect(cert.ca).toBe(false);
    }
  });

  it('issues partner client certificates whose subject CN is the partner id', () => {
    const ca = new X509Certificate(readFileSync(caCertFile(dir)));
    for (const id of PARTNER_IDS) {
      const cert = new X509Certificate(readFileSync(partnerCertFile(dir, id)));
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.subject.split('\n')).toContain(`CN=${id}`);
      expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    }
  });

  it('issues the gateway a client certificate for the subgraphs, under a name no partner id can take', () => {
    const ca = new X509Certificate(readFileSync(caCertFile(dir)));
    const cert = new X509Certificate(readFileSync(gatewayClientCertFile(dir)));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subject.split('\n')).toContain(`CN=${GATEWAY_CLIENT_NAME}`);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    expect(GATEWAY_CLIENT_NAME).not.toMatch(/^[a-z0-9][a-z0-9-]{1,63}$/); // the partners file's id rule
  });

  it('keeps existing material on a second run, byte for byte', async () => {
    const before = readFileSync(keyFilePath(dir, 'finance', 'app'), 'utf8') + readFileSync(serverKeyFile(dir, 'gateway'), 'utf8');
    const report = await generateDevMaterial(dir);
    expect(report.made).toEqual([]);
    expect(readFileSync(keyFilePath(dir, 'finance', 'app'), 'utf8') + readFileSync(serverKeyFile(dir, 'gateway'), 'utf8')).toBe(before);
  });

  it('remakes only what is missing: a lost certificate, or both halves of a bureau whose half is lost', async () => {
    const transitBureau = readFileSync(keyFilePath(dir, 'transit', 'bureau'), 'utf8');
    const financeApp = readFileSync(keyFilePath(dir, 'finance', 'app'), 'utf8');
    unlinkSync(keyFilePath(dir, 'transit', 'app'));
    unlinkSync(serverCertFile(dir, 'bureau-finance'));
    const report = await generateDevMaterial(dir);
    expect(report.made.sort()).toEqual(['bureaus/transit', 'tls/bureau-finance']);
    expect(readFileSync(keyFilePath(dir, 'transit', 'bureau'), 'utf8')).not.toBe(transitBureau);
    expect(readFileSync(keyFilePath(dir, 'finance', 'app'), 'utf8')).toBe(financeApp);
  });

  it('replaces everything with force, and a new CA re-issues every certificate', async () => {
    const oldCa = readFileSync(caCertFile(dir), 'utf8');
    const report = await generateDevMaterial(dir, { force: true });
    expect(report.kept).toEqual([]);
    const ca = new X509Certificate(readFileSync(caCertFile(dir)));
    expect(ca.toString()).not.toBe(oldCa);
    for (const name of SERVER_NAMES) expect(new X509Certificate(readFileSync(serverCertFile(dir, name))).verify(ca.publicKey)).toBe(true);
  }, 60_000);
});
