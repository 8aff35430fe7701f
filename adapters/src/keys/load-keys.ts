/**
 * Loads the bureaus' protocol keys from files or the environment, never from code: each half is
 * `<dir>/bureaus/<bureau>/<side>.json` (written by `npm run certs`) unless an environment
 * variable holds the same JSON (HUIMIN_KEYS_<BUREAU>_<SIDE>, e.g. HUIMIN_KEYS_FINANCE_APP), so a
 * deployment can inject secrets without writing them to disk. The caller passes the environment:
 * configuration is read in one place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppKeyFiles, BureauKeyFiles, KeyFileBureau, KeyFileSide } from './key-files';
import { clientKeysFrom, serverKeysFrom, type ClientKeySet, type SendWith, type ServerKeySet } from './key-sets';
import { KeyFileError, parseAppKeyFile, parseBureauKeyFile } from './parse-key-file';

export interface KeyLoadOptions {
  /** The certs folder. */
  dir?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Which key of each ring this side sends with (see key-sets.ts); default current. */
  sendWith?: SendWith;
}

export function keyFilePath(dir: string, bureau: KeyFileBureau, side: KeyFileSide): string {
  return join(dir, 'bureaus', bureau, `${side}.json`);
}

export function keyFileEnvName(bureau: KeyFileBureau, side: KeyFileSide): string {
  return `HUIMIN_KEYS_${bureau.toUpperCase().replace(/-/g, '_')}_${side.toUpperCase()}`;
}

/** The file's text and a name for it in error messages. */
function readKeyText(options: KeyLoadOptions, bureau: KeyFileBureau, side: KeyFileSide): { text: string; source: string } {
  const envName = keyFileEnvName(bureau, side);
  const fromEnv = options.env?.[envName];
  if (fromEnv) return { text: fromEnv, source: envName };
  if (options.dir === undefined) throw new KeyFileError(`no ${bureau} ${side} keys: set ${envName} or give a certs folder`);
  const file = keyFilePath(options.dir, bureau, side);
  try {
    return { text: readFileSync(file, 'utf8'), source: file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new KeyFileError(`key file ${file} cannot be read (${code}); run \`npm run certs\` to make development keys`);
  }
}

export function readAppKeyFiles(options: KeyLoadOptions): AppKeyFiles {
  const read = <B extends KeyFileBureau>(bureau: B): AppKeyFiles[B] => {
    const { text, source } = readKeyText(options, bureau, 'app');
    return parseAppKeyFile(bureau, text, source);
  };
  return { 'civil-affairs': read('civil-affairs'), 'medical-insurance': read('medical-insurance'), finance: read('finance'), transit: read('transit') };
}

export function readBureauKeyFiles(options: KeyLoadOptions): BureauKeyFiles {
  const read = <B extends KeyFileBureau>(bureau: B): BureauKeyFiles[B] => {
    const { text, source } = readKeyText(options, bureau, 'bureau');
    return parseBureauKeyFile(bureau, text, source);
  };
  return { 'civil-affairs': read('civil-affairs'), 'medical-insurance': read('medical-insurance'), finance: read('finance'), transit: read('transit') };
}

/** The adapters' keys for every bureau. */
export function loadClientKeys(options: KeyLoadOptions): ClientKeySet {
  return clientKeysFrom(readAppKeyFiles(options), options.sendWith);
}

/** The (sandbox) bureaus' keys. */
export function loadServerKeys(options: KeyLoadOptions): ServerKeySet {
  return serverKeysFrom(readBureauKeyFiles(options), options.sendWith);
}
