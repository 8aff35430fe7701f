/**
 * The bureaus' protocol key material, in the key-file format the adapters read
 * (@huimin/adapters keys/key-files.ts). Each key is made twice, as `previous` and `current`
 * under distinct key IDs, so a rotation can be exercised from the first start. The app's half
 * and the bureau's half each get their own copy of the shared secrets.
 */
import { randomBytes } from 'node:crypto';
import {
  KEY_FILE_FORMAT_VERSION,
  generateSm2KeyPair,
  type AppKeyFiles,
  type BureauKeyFiles,
  type KeyFileBureau,
  type KeyFiles,
  type StoredKey,
  type StoredRing,
} from '@huimin/adapters';
import { newRsaKeyPair } from './tls-certificates';

/** The app id the development gateway presents to every bureau (medical insurance wants ≥ 16 characters). */
export const DEV_APP_ID = 'HUIMIN-GATEWAY-DEV-0001';

const keyId = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;
const hexKey = (bytes: number) => (): { key: string } => ({ key: randomBytes(bytes).toString('hex') });

/** A ring of two fresh keys, previous and current, made by `make`. */
async function ring<T>(prefix: string, make: () => T | Promise<T>): Promise<StoredRing<T>> {
  const [previous, current] = await Promise.all([make(), make()]);
  return {
    current: { keyId: keyId(prefix), ...current } as StoredKey<T>,
    previous: { keyId: keyId(prefix), ...previous } as StoredKey<T>,
  };
}

/** The same ring without its private halves: what the other side holds. */
function publicRing<T extends { publicKey: string }>(stored: StoredRing<T>): StoredRing<{ publicKey: string }> {
  const strip = ({ keyId: id, publicKey }: StoredKey<T>) => ({ keyId: id, publicKey });
  return { current: strip(stored.current), ...(stored.previous ? { previous: strip(stored.previous) } : {}) };
}

function publicPemRing(stored: StoredRing<{ privateKeyPem: string; publicKeyPem: string }>): StoredRing<{ publicKeyPem: string }> {
  const strip = ({ keyId: id, publicKeyPem }: StoredKey<{ publicKeyPem: string }>) => ({ keyId: id, publicKeyPem });
  return { current: strip(stored.current), ...(stored.previous ? { previous: strip(stored.previous) } : {}) };
}

function privatePemRing(stored: StoredRing<{ privateKeyPem: string; publicKeyPem: string }>): StoredRing<{ privateKeyPem: string }> {
  const strip = ({ keyId: id, privateKeyPem }: StoredKey<{ privateKeyPem: string }>) => ({ keyId: id, privateKeyPem });
  return { current: strip(stored.current), ...(stored.previous ? { previous: strip(stored.previous) } : {}) };
}

/** Two independent copies, one per side, so nothing is shared by reference. */
const copy = <T>(value: T): T => structuredClone(value);
const header = <B extends KeyFileBureau, S extends 'app' | 'bureau'>(bureau: B, side: S) =>
  ({ formatVersion: KEY_FILE_FORMAT_VERSION, bureau, side }) as const;

type BureauPair<B extends KeyFileBureau> = { app: AppKeyFiles[B]; bureau: BureauKeyFiles[B] };

async function civilAffairs(appId: string): Promise<BureauPair<'civil-affairs'>> {
  const [appKeys, bureauKeys] = await Promise.all([ring('civil-app', newRsaKeyPair), ring('civil-bureau', newRsaKeyPair)]);
  return {
    app: { ...header('civil-affairs', 'app'), appId, appKeys: privatePemRing(appKeys), bureauPublicKeys: publicPemRing(bureauKeys) },
    bureau: { ...header('civil-affairs', 'bureau'), bureauKeys: privatePemRing(bureauKeys), apps: { [appId]: { appPublicKeys: publicPemRing(appKeys) } } },
  };
}

async function medicalInsurance(appId: string): Promise<BureauPair<'medical-insurance'>> {
  const appKeys = await ring('medical-app', generateSm2KeyPair);
  const bureauKeys = await ring('medical-bureau', generateSm2KeyPair);
  const appSecrets = await ring('medical-secret', () => ({ secret: randomBytes(16).toString('hex') }));
  return {
    app: { ...header('medical-insurance', 'app'), appId, appKeys, bureauPublicKeys: publicRing(bureauKeys), appSecrets: copy(appSecrets) },
    bureau: {
      ...header('medical-insurance', 'bureau'),
      bureauKeys,
      apps: { [appId]: { appPublicKeys: publicRing(appKeys), appSecrets: copy(appSecrets) } },
    },
  };
}

async function finance(appId: string): Promise<BureauPair<'finance'>> {
  const appKeys = await ring('finance-app', generateSm2KeyPair);
  const bureauKeys = await ring('finance-bureau', generateSm2KeyPair);
  const dataKeys = await ring('finance-data', hexKey(16));
  return {
    app: { ...header('finance', 'app'), appId, appKeys, bureauPublicKeys: publicRing(bureauKeys), dataKeys: copy(dataKeys) },
    bureau: { ...header('finance', 'bureau'), bureauKeys, apps: { [appId]: { appPublicKeys: publicRing(appKeys), dataKeys: copy(dataKeys) } } },
  };
}

async function transit(appId: string): Promise<BureauPair<'transit'>> {
  const appSecrets = await ring('transit-secret', hexKey(32));
  const dataKeys = await ring('transit-data', hexKey(32));
  const cardStatusKeys = await ring('card-status', () => ({ statusKey: randomBytes(16).toString('hex'), macKey: randomBytes(32).toString('hex') }));
  return {
    app: { ...header('transit', 'app'), appId, appSecrets: copy(appSecrets), dataKeys: copy(dataKeys), cardStatusKeys: copy(cardStatusKeys) },
    bureau: {
      ...header('transit', 'bureau'),
      apps: { [appId]: { appSecrets: copy(appSecrets), dataKeys: copy(dataKeys) } },
      cardStatusKeys: copy(cardStatusKeys),
    },
  };
}

const MAKERS: { [B in KeyFileBureau]: (appId: string) => Promise<BureauPair<B>> } = {
  'civil-affairs': civilAffairs,
  'medical-insurance': medicalInsurance,
  finance,
  transit,
};

/** Fresh material for one bureau, both halves. */
export function createBureauKeyFiles<B extends KeyFileBureau>(bureau: B, appId: string = DEV_APP_ID): Promise<BureauPair<B>> {
  return MAKERS[bureau](appId);
}

/** Fresh material for every bureau. */
export async function createKeyFiles(appId: string = DEV_APP_ID): Promise<KeyFiles> {
  const [civil, medical, fin, tra] = await Promise.all([civilAffairs(appId), medicalInsurance(appId), finance(appId), transit(appId)]);
  return {
    app: { 'civil-affairs': civil.app, 'medical-insurance': medical.app, finance: fin.app, transit: tra.app },
    bureau: { 'civil-affairs': civil.bureau, 'medical-insurance': medical.bureau, finance: fin.bureau, transit: tra.bureau },
  };
}
