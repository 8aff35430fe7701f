/**
 * File handling for key material: private keys are written 0600 inside 0700 folders, through a
 * temporary file and a rename so an interrupted run never leaves half a key behind.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const SECRET_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;
const FOLDER_MODE = 0o700;

export function writeMaterialFile(file: string, text: string, mode: number): void {
  mkdirSync(dirname(file), { recursive: true, mode: FOLDER_MODE });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  // The mode given to writeFileSync is filtered by the umask: set it exactly.
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}

/** The file's text, or null when it does not exist. */
export function readOptional(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** The file's text; a missing file names the command that makes it. */
export function readRequired(file: string): string {
  const text = readOptional(file);
  if (text === null) throw new Error(`${file} is missing; run \`npm run certs\` to make the development material`);
  return text;
}
