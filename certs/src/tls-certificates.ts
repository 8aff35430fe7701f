/**
 * The development CA and the certificates it issues, built and signed with node-forge. The RSA
 * key pairs come from node's crypto (OpenSSL): node-forge's own key generation takes seconds per
 * 2048-bit key, while the certificates themselves are small and quick to build.
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface TlsIdentity {
  certPem: string;
  keyPem: string;
}

export interface CertificateAuthority extends TlsIdentity {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

const generateKeyPairAsync = promisify(generateKeyPair);
const ORGANIZATION = 'Huimin Gateway (development)';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const CA_VALIDITY_DAYS = 3650;
const LEAF_VALIDITY_DAYS = 730;

/** A fresh RSA-2048 key pair as PEM (PKCS#8 private, SPKI public). */
export async function newRsaKeyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** 16 random bytes with the top bit clear: a positive serial, as RFC 5280 requires. */
function serialNumber(): string {
  const bytes = forge.random.getBytesSync(16);
  return ((bytes.charCodeAt(0) & 0x7f).toString(16).padStart(2, '0') + forge.util.bytesToHex(bytes.slice(1)));
}

function subject(commonName: string): forge.pki.CertificateField[] {
  return [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: ORGANIZATION },
  ];
}

function baseCertificate(publicKeyPem: string, commonName: string, validityDays: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = serialNumber();
  const now = Date.now();
  // Back-dated an hour so a peer whose clock is a little behind still accepts it.
  cert.validity.notBefore = new Date(now - HOUR_MS);
  cert.validity.notAfter = new Date(now + validityDays * DAY_MS);
  cert.setSubject(subject(commonName));
  return cert;
}

export async function createCertificateAuthority(commonName = 'Huimin Development CA'): Promise<CertificateAuthority> {
  const pair = await newRsaKeyPair();
  const cert = baseCertificate(pair.publicKeyPem, commonName, CA_VALIDITY_DAYS);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const key = forge.pki.privateKeyFromPem(pair.privateKeyPem);
  cert.sign(key, forge.md.sha256.create());
  return { cert, key, certPem: forge.pki.certificateToPem(cert), keyPem: pair.privateKeyPem };
}

/** The CA as stored; throws when the PEM does not parse or the key is not the certificate's. */
export function certificateAuthorityFromPem(certPem: string, keyPem: string): CertificateAuthority {
  const cert = forge.pki.certificateFromPem(certPem);
  const key = forge.pki.privateKeyFromPem(keyPem);
  const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
  if (!publicKey.n.equals(key.n)) throw new Error('the CA key does not match the CA certificate');
  return { cert, key, certPem, keyPem };
}

async function issue(ca: CertificateAuthority, commonName: string, extensions: object[]): Promise<TlsIdentity> {
  const pair = await newRsaKeyPair();
  const cert = baseCertificate(pair.publicKeyPem, commonName, LEAF_VALIDITY_DAYS);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
    ...extensions,
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: pair.privateKeyPem };
}

/** A server certificate valid for 127.0.0.1 and localhost, the addresses the stack listens on. */
export function issueServerCertificate(ca: CertificateAuthority, name: string): Promise<TlsIdentity> {
  return issue(ca, name, [
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
}

/** A client certificate: the subject CN is the partner id (or the gateway's name, towards the subgraphs). */
export function issueClientCertificate(ca: CertificateAuthority, commonName: string): Promise<TlsIdentity> {
  return issue(ca, commonName, [
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
}

/**
 * Whether a stored certificate can be kept: it parses, the CA signed it, its key is the stored
 * key, and it stays valid for at least another day.
 */
export function isUsableIdentity(ca: CertificateAuthority, identity: TlsIdentity, nowMs = Date.now()): boolean {
  try {
    const cert = forge.pki.certificateFromPem(identity.certPem);
    const key = forge.pki.privateKeyFromPem(identity.keyPem);
    const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
    return ca.cert.verify(cert) && publicKey.n.equals(key.n) && cert.validity.notAfter.getTime() - nowMs > DAY_MS;
  } catch {
    return false;
  }
}
