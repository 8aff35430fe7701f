/**
 * node-forge is the RSA reference (upstream-protocols.md): the project's native PSS and OAEP must
 * interoperate with it both ways, and the civil-affairs signed strings must be what the spec says
 * byte for byte (built here independently of the module).
 */
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { aesGcmDecrypt, aesGcmEncrypt } from '../crypto/aes-gcm';
import { rsaOaepDecrypt, rsaOaepEncrypt, rsaPssSign, rsaPssVerify } from '../crypto/rsa';
import { generateCivilKeyMaterial, openCivilResponse, sealCivilResponse, verifyCivilRequest, type CivilResponseEnvelope } from './civil-affairs';
import { MemoryReplayGuard, newNonce } from './freshness';

const keys = generateCivilKeyMaterial('forge-app');
const appPublic = keys.server.apps['forge-app']!.current.key;
const bureauPublic = keys.client.bureauPublicKeys.current.key;

const forgePrivate = (key: KeyObject): forge.pki.rsa.PrivateKey =>
  forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString());
const forgePublic = (key: KeyObject): forge.pki.rsa.PublicKey => forge.pki.publicKeyFromPem(key.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey;

const sha256 = (): forge.md.MessageDigest => forge.md.sha256.create();
const pss = (): forge.pss.PSS => forge.pss.create({ md: sha256(), mgf: forge.mgf.mgf1.create(sha256()), saltLength: 32 });
const OAEP = { md: forge.md.sha256.create(), mgf1: { md: forge.md.sha256.create() } };

function forgeSign(key: KeyObject, text: string): Buffer {
  const md = sha256();
  md.update(text, 'utf8');
  return Buffer.from(forgePrivate(key).sign(md, pss()), 'binary');
}

function forgeVerify(key: KeyObject, text: string, signature: Buffer): boolean {
  const md = sha256();
  md.update(text, 'utf8');
  return forgePublic(key).verify(md.digest().bytes(), signature.toString('binary'), pss());
}

describe('RSA primitives against node-forge', () => {
  const text = '民政 PSS cross-check';

  it('PSS: forge signs, native verifies; native signs, forge verifies', () => {
    expect(rsaPssVerify(appPublic, text, forgeSign(keys.client.appKey.privateKey, text))).toBe(true);
    expect(forgeVerify(appPublic, text, rsaPssSign(keys.client.appKey.privateKey, text))).toBe(true);
    expect(forgeVerify(appPublic, `${text}!`, rsaPssSign(keys.client.appKey.privateKey, text))).toBe(false);
  });

  it('OAEP-SHA256: forge wraps, native unwraps; native wraps, forge unwraps', () => {
    const aesKey = randomBytes(32);
    const byForge = Buffer.from(forgePublic(appPublic).encrypt(aesKey.toString('binary'), 'RSA-OAEP', OAEP), 'binary');
    expect(rsaOaepDecrypt(keys.client.appKey.privateKey, byForge)).toEqual(aesKey);
    const byNative = rsaOaepEncrypt(appPublic, aesKey);
    expect(Buffer.from(forgePrivate(keys.client.appKey.privateKey).decrypt(byNative.toString('binary'), 'RSA-OAEP', OAEP), 'binary')).toEqual(aesKey);
  });
});

describe('civil-affairs envelope against node-forge', () => {
  const now = Date.parse('2026-11-01T02:00:00Z');

  it('a request signed by forge over the spec string verifies', async () => {
    const body = JSON.stringify({ idNumbers: ['330110199311072382'] });
    const nonce = newNonce();
    const signed = `POST\n/persons/batch\n${now}\n${nonce}\n${createHash('sha256').update(body).digest('hex')}`;
    const headers = {
      'x-app-id': 'forge-app',
      'x-key-id': keys.client.appKey.keyId,
      'x-timestamp': String(now),
      'x-nonce': nonce,
      'x-signature': forgeSign(keys.client.appKey.privateKey, signed).toString('base64'),
    };
    await expect(
      verifyCivilRequest({ method: 'POST', path: '/persons/batch', headers, body: Buffer.from(body), keys: keys.server, replayGuard: new MemoryReplayGuard(), nowMs: now }),
    ).resolves.toMatchObject({ appId: 'forge-app', nonce });
  });

  it("forge verifies the bureau's answer signature and unwraps its key", () => {
    const nonce = newNonce();
    const envelope = sealCivilResponse({ body: '{"ok":true}', request: { appId: 'forge-app', keyId: keys.client.appKey.keyId, nonce }, keys: keys.server });
    expect(forgeVerify(bureauPublic, `${envelope.iv}|${envelope.ciphertext}|${envelope.tag}|${nonce}`, Buffer.from(envelope.signature, 'base64'))).toBe(true);
    const aesKey = Buffer.from(forgePrivate(keys.client.appKey.privateKey).decrypt(Buffer.from(envelope.encryptedKey, 'base64').toString('binary'), 'RSA-OAEP', OAEP), 'binary');
    const plaintext = aesGcmDecrypt(aesKey, Buffer.from(envelope.iv, 'base64'), { ciphertext: Buffer.from(envelope.ciphertext, 'base64'), tag: Buffer.from(envelope.tag, 'base64') });
    expect(plaintext.toString()).toBe('{"ok":true}');
  });

  it('an answer wrapped and signed by forge opens', () => {
    const nonce = newNonce();
    const aesKey = randomBytes(32);
    const iv = randomBytes(12);
    const sealed = aesGcmEncrypt(aesKey, iv, Buffer.from('{"ok":true}'));
    const fields = { iv: iv.toString('base64'), ciphertext: sealed.ciphertext.toString('base64'), tag: sealed.tag.toString('base64') };
    const envelope: CivilResponseEnvelope = {
      keyId: keys.server.bureauKey.keyId,
      encryptedKey: Buffer.from(forgePublic(appPublic).encrypt(aesKey.toString('binary'), 'RSA-OAEP', OAEP), 'binary').toString('base64'),
      ...fields,
      signature: forgeSign(keys.server.bureauKey.privateKey, `${fields.iv}|${fields.ciphertext}|${fields.tag}|${nonce}`).toString('base64'),
    };
    expect(openCivilResponse({ bodyText: JSON.stringify(envelope), requestNonce: nonce, keys: keys.client })).toEqual({ ok: true });
  });
});
