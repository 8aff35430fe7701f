/**
 * Key files → the protocol modules' key types. A ring's two keys are both accepted by receivers;
 * `sendWith` says which one this side signs and encrypts with. A rotation is rolled out in two
 * steps: the material holds the new key as `current` and the old as `previous`, every process
 * loads it with `sendWith: 'previous'` (the new key is now accepted everywhere but not yet used),
 * then each process switches to `sendWith: 'current'` — in any order, since both are accepted.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { CardStatusKey, CardStatusKeys } from '../protocols/card-status';
import type { CivilClientKeys, CivilServerKeys } from '../protocols/civil-affairs';
import type { KeyRing } from '../protocols/envelope-fields';
import type { FinanceAppRegistration, FinanceClientKeys, FinanceServerKeys } from '../protocols/finance';
import type { MedicalAppRegistration, MedicalClientKeys, MedicalServerKeys } from '../protocols/medical-insurance';
import type { TransitAppCredentials, TransitClientKeys, TransitServerKeys } from '../protocols/transit';
import type {
  AppKeyFiles,
  BureauKeyFiles,
  CardStatusKeyFields,
  RsaPrivateFields,
  RsaPublicFields,
  Sm2PairFields,
  Sm2PublicFields,
  StoredKey,
  StoredRing,
} from './key-files';
import { KeyFileError } from './parse-key-file';

export type SendWith = 'current' | 'previous';

/** What the gateway's adapters hold: one entry per bureau, plus the card-status feed's consumer keys. */
export interface ClientKeySet {
  civilAffairs: CivilClientKeys;
  medicalInsurance: MedicalClientKeys;
  finance: FinanceClientKeys;
  transit: TransitClientKeys;
  cardStatus: CardStatusKeys;
}

/** What the bureaus hold, plus the card-status feed's publisher keys. */
export interface ServerKeySet {
  civilAffairs: CivilServerKeys;
  medicalInsurance: MedicalServerKeys;
  finance: FinanceServerKeys;
  transit: TransitServerKeys;
  cardStatus: CardStatusKeys;
}

/** The ring as this side uses it: `current` is the key it sends with. */
function oriented<T>(ring: StoredRing<T>, sendWith: SendWith, what: string): StoredRing<T> {
  if (sendWith === 'current') return ring;
  if (!ring.previous) throw new KeyFileError(`${what} has no previous key to send with`);
  return { current: ring.previous, previous: ring.current };
}

function keyRing<T, K>(ring: StoredRing<T>, convert: (stored: StoredKey<T>) => K): KeyRing<K> {
  const current = { keyId: ring.current.keyId, key: convert(ring.current) };
  return ring.previous ? { current, previous: { keyId: ring.previous.keyId, key: convert(ring.previous) } } : { current };
}

/** For the protocols whose wire names no key (secrets, SM2 keys): the values, current first. */
function slots<T, V>(ring: StoredRing<T>, convert: (stored: StoredKey<T>) => V): { current: V; previous?: V } {
  return { current: convert(ring.current), ...(ring.previous ? { previous: convert(ring.previous) } : {}) };
}

function byId<T>(ring: StoredRing<T>, convert: (stored: StoredKey<T>) => Buffer): Map<string, Buffer> {
  return new Map([ring.current, ...(ring.previous ? [ring.previous] : [])].map((stored) => [stored.keyId, convert(stored)]));
}

// PEM parse failures carry OpenSSL detail about the key bytes; the message names the key instead.
function rsaKey(parse: (pem: string) => KeyObject, pem: string, what: string, keyId: string): KeyObject {
  try {
    return parse(pem);
  } catch {
    throw new KeyFileError(`${what} ${keyId} is not a readable RSA key`);
  }
}
const rsaPrivate = (what: string) => (stored: StoredKey<RsaPrivateFields>) => rsaKey(createPrivateKey, stored.privateKeyPem, what, stored.keyId);
const rsaPublic = (what: string) => (stored: StoredKey<RsaPublicFields>) => rsaKey(createPublicKey, stored.publicKeyPem, what, stored.keyId);

const hex = (stored: { key: string }): Buffer => Buffer.from(stored.key, 'hex');
const textSecret = (stored: { secret: string }): string => stored.secret;
const sm2Public = (stored: { publicKey: string }): string => stored.publicKey.toLowerCase();
const sm2Pair = (stored: Sm2PairFields): Sm2PairFields => ({ privateKey: stored.privateKey.toLowerCase(), publicKey: sm2Public(stored) });
const cardStatusKey = (stored: CardStatusKeyFields): CardStatusKey => ({
  statusKey: Buffer.from(stored.statusKey, 'hex'),
  macKey: Buffer.from(stored.macKey, 'hex'),
});

/** The SM2 public keys of the other side, as the finance and medical modules take them. */
function sm2Peer(ring: StoredRing<Sm2PublicFields>): { key: string; previous?: string } {
  const { current, previous } = slots(ring, sm2Public);
  return previous === undefined ? { key: current } : { key: current, previous };
}

export function clientKeysFrom(files: AppKeyFiles, sendWith: SendWith = 'current'): ClientKeySet {
  const ring = <T>(stored: StoredRing<T>, what: string): StoredRing<T> => oriented(stored, sendWith, what);
  const civil = files['civil-affairs'];
  const medical = files['medical-insurance'];
  const { finance, transit } = files;
  const civilAppKey = ring(civil.appKeys, 'civil-affairs app key').current;
  const medicalBureau = sm2Peer(ring(medical.bureauPublicKeys, 'medical-insurance bureau key'));
  const financeBureau = sm2Peer(ring(finance.bureauPublicKeys, 'finance bureau key'));
  const financeData = ring(finance.dataKeys, 'finance data key');
  return {
    civilAffairs: {
      appId: civil.appId,
      appKey: { keyId: civilAppKey.keyId, privateKey: rsaPrivate('civil-affairs app key')(civilAppKey) },
      bureauPublicKeys: keyRing(civil.bureauPublicKeys, rsaPublic('civil-affairs bureau key')),
    },
    medicalInsurance: {
      appId: medical.appId,
      appSecrets: slots(ring(medical.appSecrets, 'medical-insurance app secret'), textSecret),
      appKeyPair: sm2Pair(ring(medical.appKeys, 'medical-insurance app key').current),
      bureauPublicKey: medicalBureau.key,
      ...(medicalBureau.previous ? { previousBureauPublicKey: medicalBureau.previous } : {}),
    },
    finance: {
      appId: finance.appId,
      dataKeys: { currentKeyId: financeData.current.keyId, byId: byId(financeData, hex) },
      appKeyPair: sm2Pair(ring(finance.appKeys, 'finance app key').current),
      bureauPublicKey: financeBureau.key,
      ...(financeBureau.previous ? { previousBureauPublicKey: financeBureau.previous } : {}),
    },
    transit: {
      appId: transit.appId,
      secrets: slots(ring(transit.appSecrets, 'transit app secret'), hex),
      dataKeys: keyRing(ring(transit.dataKeys, 'transit data key'), hex),
    },
    cardStatus: keyRing(ring(transit.cardStatusKeys, 'card-status key'), cardStatusKey),
  };
}

/** appId → registration; fromEntries so an app id like "__proto__" stays an ordinary entry. */
function appEntries<T, R>(apps: Record<string, T>, convert: (app: T) => R): Array<[string, R]> {
  return Object.entries(apps).map(([appId, app]) => [appId, convert(app)]);
}

export function serverKeysFrom(files: BureauKeyFiles, sendWith: SendWith = 'current'): ServerKeySet {
  const ring = <T>(stored: StoredRing<T>, what: string): StoredRing<T> => oriented(stored, sendWith, what);
  const civil = files['civil-affairs'];
  const medical = files['medical-insurance'];
  const { finance, transit } = files;
  const civilBureauKey = ring(civil.bureauKeys, 'civil-affairs bureau key').current;
  const appSm2 = (stored: StoredRing<Sm2PublicFields>, what: string) => {
    const peer = sm2Peer(ring(stored, what));
    return { appPublicKey: peer.key, ...(peer.previous ? { previousAppPublicKey: peer.previous } : {}) };
  };
  return {
    civilAffairs: {
      bureauKey: { keyId: civilBureauKey.keyId, privateKey: rsaPrivate('civil-affairs bureau key')(civilBureauKey) },
      apps: Object.fromEntries(
        appEntries(civil.apps, (app) => keyRing(ring(app.appPublicKeys, 'civil-affairs app key'), rsaPublic('civil-affairs app key'))),
      ),
    },
    medicalInsurance: {
      bureauKeyPair: sm2Pair(ring(medical.bureauKeys, 'medical-insurance bureau key').current),
      apps: new Map(
        appEntries(medical.apps, (app): MedicalAppRegistration => ({
          ...appSm2(app.appPublicKeys, 'medical-insurance app key'),
          appSecrets: slots(ring(app.appSecrets, 'medical-insurance app secret'), textSecret),
        })),
      ),
    },
    finance: {
      bureauKeyPair: sm2Pair(ring(finance.bureauKeys, 'finance bureau key').current),
      apps: new Map(
        appEntries(finance.apps, (app): FinanceAppRegistration => ({
          ...appSm2(app.appPublicKeys, 'finance app key'),
          dataKeys: byId(app.dataKeys, hex),
        })),
      ),
    },
    transit: {
      apps: Object.fromEntries(
        appEntries(transit.apps, (app): TransitAppCredentials => ({
          secrets: slots(ring(app.appSecrets, 'transit app secret'), hex),
          dataKeys: keyRing(ring(app.dataKeys, 'transit data key'), hex),
        })),
      ),
    },
    cardStatus: keyRing(ring(transit.cardStatusKeys, 'card-status key'), cardStatusKey),
  };
}
