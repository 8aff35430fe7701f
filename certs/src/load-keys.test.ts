/**
 * The key files `certs/` writes, read back by the adapters' loader into the protocol modules' key
 * types: every protocol round-trips between the loaded app and bureau halves, in every rollout
 * state of a rotation (each side sending with the previous or the current key).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  KEY_FILE_BUREAUS,
  KeyFileError,
  MemoryReplayGuard,
  ProtocolError,
  keyFileEnvName,
  keyFilePath,
  loadClientKeys,
  loadServerKeys,
  openCardStatusMessage,
  openCivilResponse,
  openFinanceRequest,
  openFinanceResponse,
  openMedicalRequest,
  openMedicalResponse,
  openTransitRequest,
  openTransitResponse,
  sealCardStatusMessage,
  sealCivilResponse,
  sealFinanceRequest,
  sealFinanceResponse,
  sealMedicalRequest,
  sealMedicalResponse,
  sealTransitRequest,
  sealTransitResponse,
  signCivilRequest,
  verifyCivilRequest,
  type ClientKeySet,
  type KeyFiles,
  type SendWith,
  type ServerKeySet,
} from '@huimin/adapters';
import { createKeyFiles } from './protocol-keys';

function writeKeyFiles(dir: string, files: KeyFiles): void {
  for (const bureau of KEY_FILE_BUREAUS) {
    for (const side of ['app', 'bureau'] as const) {
      const file = keyFilePath(dir, bureau, side);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(files[side][bureau]), { mode: 0o600 });
    }
  }
}

/** One exchange per protocol, app → bureau → app; throws on the first failure. */
async function roundTrips(client: ClientKeySet, server: ServerKeySet): Promise<void> {
  const nowMs = Date.now();
  const replayGuard = new MemoryReplayGuard();
  const body = JSON.stringify({ idNumbers: ['110101199003074477'] });

  const civil = signCivilRequest({ method: 'POST', path: '/persons/batch', body, keys: client.civilAffairs, nowMs });
  const civilContext = await verifyCivilRequest({
    method: 'POST', path: '/persons/batch', headers: civil.headers, body: Buffer.from(body), keys: server.civilAffairs, replayGuard, nowMs,
  });
  const civilAnswer = sealCivilResponse({ body: '{"ok":1}', request: civilContext, keys: server.civilAffairs });
  expect(openCivilResponse({ bodyText: JSON.stringify(civilAnswer), requestNonce: civil.nonce, keys: client.civilAffairs })).toEqual({ ok: 1 });

  const finance = sealFinanceRequest(client.finance, { q: 1 });
  const financeOpened = await openFinanceRequest(server.finance, JSON.stringify(finance), { replayGuard });
  const financeAnswer = sealFinanceResponse(server.finance, financeOpened, { ok: 2 });
  expect(await openFinanceResponse(client.finance, JSON.stringify(financeAnswer), finance.nonce)).toEqual({ ok: 2 });

  const medical = sealMedicalRequest(client.medicalInsurance, { q: 3 });
  const medicalOpened = await openMedicalRequest(server.medicalInsurance, JSON.stringify(medical), { replayGuard });
  const medicalAnswer = sealMedicalResponse(server.medicalInsurance, medicalOpened, { ok: 3 });
  expect(await openMedicalResponse(client.medicalInsurance, JSON.stringify(medicalAnswer), medical.nonce)).toEqual({ ok: 3 });

  const transit = sealTransitRequest({ payload: { q: 4 }, keys: client.transit, nowMs });
  const opened = await openTransitRequest({ headers: transit.headers, body: Buffer.from(transit.body), keys: server.transit, replayGuard, nowMs });
  const transitAnswer = sealTransitResponse({ payloadJson: '{"ok":4}', request: opened.context, keys: server.transit, nowMs });
  expect(openTransitResponse({ headers: transitAnswer.headers, bodyText: transitAnswer.body, requestNonce: transit.nonce, keys: client.transit, nowMs })).toEqual({ ok: 4 });

  const message = sealCardStatusMessage({ keys: server.cardStatus, shard: 0, seq: 1, kind: 'delta', cards: [], nowMs });
  expect(openCardStatusMessage({ body: JSON.stringify(message), keys: client.cardStatus, nowMs }).seq).toBe(1);
}

describe('loading the generated key files', () => {
  let dir: string;
  let files: KeyFiles;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'huimin-keys-'));
    files = await createKeyFiles();
    writeKeyFiles(dir, files);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const states: Array<[SendWith, SendWith]> = [['previous', 'previous'], ['previous', 'current'], ['current', 'previous'], ['current', 'current']];
  it.each(states)('every protocol round-trips with the app sending with %s and the bureau with %s keys', async (app, bureau) => {
    await roundTrips(loadClientKeys({ dir, sendWith: app }), loadServerKeys({ dir, sendWith: bureau }));
  });

  it('sends with the key the rollout names', () => {
    const previous = loadClientKeys({ dir, sendWith: 'previous' });
    const current = loadClientKeys({ dir });
    expect(current.civilAffairs.appKey.keyId).toBe(files.app['civil-affairs'].appKeys.current.keyId);
    expect(previous.civilAffairs.appKey.keyId).toBe(files.app['civil-affairs'].appKeys.previous?.keyId);
    expect(previous.finance.dataKeys.currentKeyId).toBe(files.app.finance.dataKeys.previous?.keyId);
    expect(previous.finance.dataKeys.byId.size).toBe(2);
    expect(current.cardStatus.current.keyId).not.toBe(previous.cardStatus.current.keyId);
  });

  it('refuses a bureau key the app has not been given yet', async () => {
    const other = mkdtempSync(join(tmpdir(), 'huimin-keys-'));
    try {
      const withoutPrevious = structuredClone(files);
      delete withoutPrevious.app['civil-affairs'].bureauPublicKeys.previous;
      writeKeyFiles(other, withoutPrevious);
      await expect(roundTrips(loadClientKeys({ dir: other }), loadServerKeys({ dir: other, sendWith: 'previous' }))).rejects.toMatchObject({
        code: 'UNKNOWN_KEY',
      });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('takes a half from its environment variable instead of the file', async () => {
    const replacement = await createKeyFiles('HUIMIN-GATEWAY-ENV-0002');
    const env = { [keyFileEnvName('finance', 'app')]: JSON.stringify(replacement.app.finance) };
    expect(keyFileEnvName('medical-insurance', 'bureau')).toBe('HUIMIN_KEYS_MEDICAL_INSURANCE_BUREAU');
    const keys = loadClientKeys({ dir, env });
    expect(keys.finance.appId).toBe('HUIMIN-GATEWAY-ENV-0002');
    expect(keys.civilAffairs.appId).toBe(files.app['civil-affairs'].appId);
  });

  it('names the file and field of a malformed key, never its value', () => {
    const broken = structuredClone(files.app.finance);
    broken.dataKeys.current.key = 'not-a-key-but-a-secret-value';
    const env = { [keyFileEnvName('finance', 'app')]: JSON.stringify(broken) };
    const error = (() => {
      try {
        loadClientKeys({ dir, env });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a KeyFileError');
    })();
    expect(error).toBeInstanceOf(KeyFileError);
    expect(error.message).toContain('HUIMIN_KEYS_FINANCE_APP');
    expect(error.message).toContain('$.dataKeys.current.key');
    expect(error.message).not.toContain('secret-value');
  });

  it('says how to make the files when they are missing', () => {
    expect(() => loadServerKeys({ dir: join(dir, 'nowhere') })).toThrow(/cannot be read \(ENOENT\); run `npm run certs`/);
    expect(() => loadServerKeys({})).toThrow(KeyFileError);
  });

  it('keeps protocol errors typed when the halves do not match', async () => {
    const stranger = await createKeyFiles();
    const other = mkdtempSync(join(tmpdir(), 'huimin-keys-'));
    try {
      writeKeyFiles(other, stranger);
      await expect(roundTrips(loadClientKeys({ dir }), loadServerKeys({ dir: other }))).rejects.toBeInstanceOf(ProtocolError);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
