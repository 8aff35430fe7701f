/**
 * Reads and checks one key file (see key-files.ts). A bad file stops the process at start with a
 * message naming the file and the field; the message never quotes a value, since the values are
 * keys.
 */
import {
  KEY_FILE_FORMAT_VERSION,
  type AppKeyFiles,
  type BureauKeyFiles,
  type CardStatusKeyFields,
  type HexKeyFields,
  type KeyFileBureau,
  type KeyFileSide,
  type RsaPrivateFields,
  type RsaPublicFields,
  type Sm2PairFields,
  type Sm2PublicFields,
  type StoredKey,
  type StoredRing,
  type TextSecretFields,
} from './key-files';

/** A key file is missing, unreadable or malformed. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

type Json = Record<string, unknown>;
type FieldsReader<T> = (entry: Json, path: string) => T;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const APP_ID = /^[\x21-\x7e]{1,64}$/;
const hexOf = (bytes: number): RegExp => new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`);

class KeyFileReader {
  constructor(private readonly source: string) {}

  fail(path: string, problem: string): never {
    throw new KeyFileError(`key file ${this.source}: ${path} ${problem}`);
  }

  object(value: unknown, path: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'must be an object');
    return value as Json;
  }

  string(parent: Json, field: string, path: string, pattern: RegExp, what: string): string {
    const value = parent[field];
    if (typeof value !== 'string' || !pattern.test(value)) this.fail(`${path}.${field}`, `must be ${what}`);
    return value;
  }

  key<T>(value: unknown, path: string, fields: FieldsReader<T>): StoredKey<T> {
    const entry = this.object(value, path);
    return { keyId: this.string(entry, 'keyId', path, KEY_ID, 'a key id (1–64 of A–Z a–z 0–9 . _ -)'), ...fields(entry, path) };
  }

  ring<T>(parent: Json, field: string, path: string, fields: FieldsReader<T>): StoredRing<T> {
    const at = `${path}.${field}`;
    const ring = this.object(parent[field], at);
    const current = this.key(ring.current, `${at}.current`, fields);
    if (ring.previous === undefined) return { current };
    const previous = this.key(ring.previous, `${at}.previous`, fields);
    if (previous.keyId === current.keyId) this.fail(at, 'has the same key id for current and previous');
    return { current, previous };
  }

  /** appId → entry; at least one app. */
  apps<T>(parent: Json, path: string, entry: FieldsReader<T>): Record<string, T> {
    const apps = this.object(parent.apps, `${path}.apps`);
    const entries = Object.entries(apps).map(([appId, value]): [string, T] => {
      if (!APP_ID.test(appId)) this.fail(`${path}.apps`, 'has an app id that is not 1–64 printable ASCII characters');
      return [appId, entry(this.object(value, `${path}.apps[${appId}]`), `${path}.apps[${appId}]`)];
    });
    if (entries.length === 0) this.fail(`${path}.apps`, 'lists no app');
    // fromEntries defines own properties, so an app id like "__proto__" cannot reach the prototype.
    return Object.fromEntries(entries);
  }

  appId(root: Json): string {
    return this.string(root, 'appId', '$', APP_ID, '1–64 printable ASCII characters');
  }

  readonly rsaPrivate: FieldsReader<RsaPrivateFields> = (entry, path) => ({
    privateKeyPem: this.string(entry, 'privateKeyPem', path, /^-----BEGIN (?:RSA )?PRIVATE KEY-----/, 'a PEM private key'),
  });
  readonly rsaPublic: FieldsReader<RsaPublicFields> = (entry, path) => ({
    publicKeyPem: this.string(entry, 'publicKeyPem', path, /^-----BEGIN PUBLIC KEY-----/, 'a PEM public key'),
  });
  readonly sm2Public: FieldsReader<Sm2PublicFields> = (entry, path) => ({
    publicKey: this.string(entry, 'publicKey', path, /^04[0-9a-fA-F]{128}$/, 'an uncompressed SM2 public key (130 hex, 04…)'),
  });
  readonly sm2Pair: FieldsReader<Sm2PairFields> = (entry, path) => ({
    privateKey: this.string(entry, 'privateKey', path, hexOf(32), 'an SM2 private key (64 hex)'),
    ...this.sm2Public(entry, path),
  });
  hexKey(bytes: number): FieldsReader<HexKeyFields> {
    return (entry, path) => ({ key: this.string(entry, 'key', path, hexOf(bytes), `${bytes} bytes of hex`) });
  }
  readonly textSecret: FieldsReader<TextSecretFields> = (entry, path) => ({
    secret: this.string(entry, 'secret', path, /^[\x21-\x7e]{16,128}$/, '16–128 printable ASCII characters'),
  });
  readonly cardStatusKey: FieldsReader<CardStatusKeyFields> = (entry, path) => ({
    statusKey: this.string(entry, 'statusKey', path, hexOf(16), '16 bytes of hex'),
    macKey: this.string(entry, 'macKey', path, hexOf(32), '32 bytes of hex'),
  });
}

function header<B extends KeyFileBureau, S extends KeyFileSide>(reader: KeyFileReader, root: Json, bureau: B, side: S) {
  if (root.formatVersion !== KEY_FILE_FORMAT_VERSION) reader.fail('$.formatVersion', `must be ${KEY_FILE_FORMAT_VERSION}`);
  if (root.bureau !== bureau) reader.fail('$.bureau', `must be ${bureau}`);
  if (root.side !== side) reader.fail('$.side', `must be ${side}`);
  return { formatVersion: KEY_FILE_FORMAT_VERSION, bureau, side } as const;
}

type Parsers<Files> = { [B in KeyFileBureau]: (r: KeyFileReader, root: Json) => Files[B & keyof Files] };

const APP_PARSERS: Parsers<AppKeyFiles> = {
  'civil-affairs': (r, root) => ({
    ...header(r, root, 'civil-affairs', 'app'),
    appId: r.appId(root),
    appKeys: r.ring(root, 'appKeys', '$', r.rsaPrivate),
    bureauPublicKeys: r.ring(root, 'bureauPublicKeys', '$', r.rsaPublic),
  }),
  'medical-insurance': (r, root) => ({
    ...header(r, root, 'medical-insurance', 'app'),
    appId: r.string(root, 'appId', '$', /^[\x20-\x7e]{16,64}$/, '16–64 ASCII characters (the platform appCode)'),
    appKeys: r.ring(root, 'appKeys', '$', r.sm2Pair),
    bureauPublicKeys: r.ring(root, 'bureauPublicKeys', '$', r.sm2Public),
    appSecrets: r.ring(root, 'appSecrets', '$', r.textSecret),
  }),
  finance: (r, root) => ({
    ...header(r, root, 'finance', 'app'),
    appId: r.appId(root),
    appKeys: r.ring(root, 'appKeys', '$', r.sm2Pair),
    bureauPublicKeys: r.ring(root, 'bureauPublicKeys', '$', r.sm2Public),
    dataKeys: r.ring(root, 'dataKeys', '$', r.hexKey(16)),
  }),
  transit: (r, root) => ({
    ...header(r, root, 'transit', 'app'),
    appId: r.appId(root),
    appSecrets: r.ring(root, 'appSecrets', '$', r.hexKey(32)),
    dataKeys: r.ring(root, 'dataKeys', '$', r.hexKey(32)),
    cardStatusKeys: r.ring(root, 'cardStatusKeys', '$', r.cardStatusKey),
  }),
};

const BUREAU_PARSERS: Parsers<BureauKeyFiles> = {
  'civil-affairs': (r, root) => ({
    ...header(r, root, 'civil-affairs', 'bureau'),
    bureauKeys: r.ring(root, 'bureauKeys', '$', r.rsaPrivate),
    apps: r.apps(root, '$', (app, path) => ({ appPublicKeys: r.ring(app, 'appPublicKeys', path, r.rsaPublic) })),
  }),
  'medical-insurance': (r, root) => ({
    ...header(r, root, 'medical-insurance', 'bureau'),
    bureauKeys: r.ring(root, 'bureauKeys', '$', r.sm2Pair),
    apps: r.apps(root, '$', (app, path) => ({
      appPublicKeys: r.ring(app, 'appPublicKeys', path, r.sm2Public),
      appSecrets: r.ring(app, 'appSecrets', path, r.textSecret),
    })),
  }),
  finance: (r, root) => ({
    ...header(r, root, 'finance', 'bureau'),
    bureauKeys: r.ring(root, 'bureauKeys', '$', r.sm2Pair),
    apps: r.apps(root, '$', (app, path) => ({
      appPublicKeys: r.ring(app, 'appPublicKeys', path, r.sm2Public),
      dataKeys: r.ring(app, 'dataKeys', path, r.hexKey(16)),
    })),
  }),
  transit: (r, root) => ({
    ...header(r, root, 'transit', 'bureau'),
    apps: r.apps(root, '$', (app, path) => ({
      appSecrets: r.ring(app, 'appSecrets', path, r.hexKey(32)),
      dataKeys: r.ring(app, 'dataKeys', path, r.hexKey(32)),
    })),
    cardStatusKeys: r.ring(root, 'cardStatusKeys', '$', r.cardStatusKey),
  }),
};

function rootOf(reader: KeyFileReader, text: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    reader.fail('$', 'is not JSON');
  }
  return reader.object(parsed, '$');
}

/** `source` names the file or variable the text came from, for the error message. */
export function parseAppKeyFile<B extends KeyFileBureau>(bureau: B, text: string, source: string): AppKeyFiles[B] {
  const reader = new KeyFileReader(source);
  return APP_PARSERS[bureau](reader, rootOf(reader, text));
}

export function parseBureauKeyFile<B extends KeyFileBureau>(bureau: B, text: string, source: string): BureauKeyFiles[B] {
  const reader = new KeyFileReader(source);
  return BUREAU_PARSERS[bureau](reader, rootOf(reader, text));
}
