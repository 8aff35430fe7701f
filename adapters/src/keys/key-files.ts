/**
 * The on-disk format of the bureaus' protocol key material: per bureau, one JSON file for what
 * the app (the gateway's adapter) holds and one for what the bureau holds, each with its own
 * copy of the shared secrets, as if the two lived on different machines. `certs/` writes these
 * files and `load-keys.ts` reads them. Every key has a keyId and a ring holds the current key
 * and, so a rotation can be rolled out, the previous one.
 *
 * Encodings: RSA keys PEM (PKCS#8 private, SPKI public); SM2 keys hex (private 64, public
 * uncompressed 04…, 130); symmetric keys hex; the medical-insurance app secret is text, because
 * the platform signs it as text.
 */

export const KEY_FILE_FORMAT_VERSION = 1;

export const KEY_FILE_BUREAUS = ['civil-affairs', 'medical-insurance', 'finance', 'transit'] as const;
export type KeyFileBureau = (typeof KEY_FILE_BUREAUS)[number];

/** `app`: what the caller of the bureau holds; `bureau`: what the bureau itself holds. */
export type KeyFileSide = 'app' | 'bureau';

export type StoredKey<T> = { keyId: string } & T;

/** The current key and, during a rotation, the previous one. */
export interface StoredRing<T> {
  current: StoredKey<T>;
  previous?: StoredKey<T>;
}

export interface RsaPrivateFields {
  privateKeyPem: string;
}
export interface RsaPublicFields {
  publicKeyPem: string;
}
export interface Sm2PairFields {
  privateKey: string;
  publicKey: string;
}
export interface Sm2PublicFields {
  publicKey: string;
}
/** A symmetric key or HMAC secret, hex. */
export interface HexKeyFields {
  key: string;
}
/** The medical-insurance app secret, as text. */
export interface TextSecretFields {
  secret: string;
}
/** The transit card-status feed's pair: one keyId names both (see protocols/card-status.ts). */
export interface CardStatusKeyFields {
  statusKey: string;
  macKey: string;
}

interface FileHeader<B extends KeyFileBureau, S extends KeyFileSide> {
  formatVersion: typeof KEY_FILE_FORMAT_VERSION;
  bureau: B;
  side: S;
}

export interface CivilAffairsAppFile extends FileHeader<'civil-affairs', 'app'> {
  appId: string;
  appKeys: StoredRing<RsaPrivateFields>;
  bureauPublicKeys: StoredRing<RsaPublicFields>;
}

export interface CivilAffairsBureauFile extends FileHeader<'civil-affairs', 'bureau'> {
  bureauKeys: StoredRing<RsaPrivateFields>;
  /** appId → the app's public keys. */
  apps: Record<string, { appPublicKeys: StoredRing<RsaPublicFields> }>;
}

export interface MedicalInsuranceAppFile extends FileHeader<'medical-insurance', 'app'> {
  appId: string;
  appKeys: StoredRing<Sm2PairFields>;
  bureauPublicKeys: StoredRing<Sm2PublicFields>;
  appSecrets: StoredRing<TextSecretFields>;
}

export interface MedicalInsuranceBureauFile extends FileHeader<'medical-insurance', 'bureau'> {
  bureauKeys: StoredRing<Sm2PairFields>;
  apps: Record<string, { appPublicKeys: StoredRing<Sm2PublicFields>; appSecrets: StoredRing<TextSecretFields> }>;
}

export interface FinanceAppFile extends FileHeader<'finance', 'app'> {
  appId: string;
  appKeys: StoredRing<Sm2PairFields>;
  bureauPublicKeys: StoredRing<Sm2PublicFields>;
  /** 16-byte SM4 keys. */
  dataKeys: StoredRing<HexKeyFields>;
}

export interface FinanceBureauFile extends FileHeader<'finance', 'bureau'> {
  bureauKeys: StoredRing<Sm2PairFields>;
  apps: Record<string, { appPublicKeys: StoredRing<Sm2PublicFields>; dataKeys: StoredRing<HexKeyFields> }>;
}

export interface TransitAppFile extends FileHeader<'transit', 'app'> {
  appId: string;
  /** HMAC-SHA256 secrets, 32 bytes. */
  appSecrets: StoredRing<HexKeyFields>;
  /** AES-256 keys. */
  dataKeys: StoredRing<HexKeyFields>;
  /** The card-status feed (SM4 status key, HMAC-SM3 MAC key), as the consumer holds it. */
  cardStatusKeys: StoredRing<CardStatusKeyFields>;
}

export interface TransitBureauFile extends FileHeader<'transit', 'bureau'> {
  apps: Record<string, { appSecrets: StoredRing<HexKeyFields>; dataKeys: StoredRing<HexKeyFields> }>;
  /** As the publisher holds it. */
  cardStatusKeys: StoredRing<CardStatusKeyFields>;
}

export interface AppKeyFiles {
  'civil-affairs': CivilAffairsAppFile;
  'medical-insurance': MedicalInsuranceAppFile;
  finance: FinanceAppFile;
  transit: TransitAppFile;
}

export interface BureauKeyFiles {
  'civil-affairs': CivilAffairsBureauFile;
  'medical-insurance': MedicalInsuranceBureauFile;
  finance: FinanceBureauFile;
  transit: TransitBureauFile;
}

/** Both halves of every bureau's material: what `certs/` generates. */
export interface KeyFiles {
  app: AppKeyFiles;
  bureau: BureauKeyFiles;
}
