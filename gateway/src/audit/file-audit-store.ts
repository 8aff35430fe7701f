/**
 * The embedded audit store: an append-only JSON-lines file, one record a line, and beside it
 * `<file>.head` holding the chain head (so a cut-off tail is noticed). Every batch is fsynced
 * before the operations it records are answered. One gateway process per file: two processes
 * appending to one file would make two chains; share PostgreSQL for that.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { chainEntries, EMPTY_HEAD, type AuditEntry, type AuditRecord, type ChainHead } from './audit-record';
import type { AccessPage, AuditReader, AuditStore } from './audit-store';
import { GroupCommit } from './group-commit';
import { parseStoredRecord, type StoredRecord } from './stored-record';

/** How much of the file's end is read at start to find the last record. */
const TAIL_BYTES = 64 * 1024;

export class AuditChainMismatch extends Error {
  override readonly name = 'AuditChainMismatch';
}

async function readHeadFile(file: string): Promise<ChainHead | null> {
  try {
    const parsed = JSON.parse(await readFile(`${file}.head`, 'utf8')) as Partial<ChainHead>;
    if (typeof parsed.seq === 'number' && typeof parsed.hash === 'string') return { seq: parsed.seq, hash: parsed.hash };
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The last complete record in the file, read from its tail. */
async function lastRecordOf(handle: FileHandle, size: number): Promise<ChainHead> {
  if (size === 0) return EMPTY_HEAD;
  const length = Math.min(size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  await handle.read(buffer, 0, length, size - length);
  const lines = buffer.toString('utf8').split('\n').filter((line) => line.trim() !== '');
  const last = parseStoredRecord(lines[lines.length - 1] ?? '');
  if ('unreadable' in last) throw new AuditChainMismatch('the audit file does not end with a readable record; run `npm run audit:verify`');
  return { seq: last.seq, hash: last.hash };
}

async function* linesOf(file: string): AsyncIterable<string> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) if (line.trim() !== '') yield line;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  } finally {
    stream.destroy();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `<file>.lock` holds the writer's pid: a second writer (another gateway process, or a second
 * store in this one) would fork the chain, so it is refused. A lock left by a dead process is taken over.
 */
async function lockForWriting(file: string): Promise<() => Promise<void>> {
  const lock = `${file}.lock`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new AuditChainMismatch(`the audit file is being written by process ${holder}: one gateway process per file (share PostgreSQL between several)`);
      }
      await rm(lock, { force: true });
    }
  }
}

/** Opens (creating when absent) the file store; refuses a file whose tail disagrees with its head. */
export async function openFileAuditStore(file: string): Promise<AuditStore> {
  await mkdir(dirname(file), { recursive: true });
  const unlock = await lockForWriting(file);
  const handle = await open(file, 'a+').catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  let size = (await handle.stat()).size;
  let head = await lastRecordOf(handle, size).catch(async (error: unknown) => {
    await handle.close();
    await unlock();
    throw error;
  });
  const kept = await readHeadFile(file);
  if (kept && (kept.seq !== head.seq || kept.hash !== head.hash)) {
    await handle.close();
    await unlock();
    throw new AuditChainMismatch(`the audit file ends at record ${head.seq} but its head says ${kept.seq}; run \`npm run audit:verify\``);
  }
  // After a failed write that could not be undone, nothing more is appended: the chain would fork.
  let broken = false;

  const writeBatch = async (entries: AuditEntry[]): Promise<AuditRecord[]> => {
    if (broken) throw new Error('audit file store is unusable after a failed write');
    const records = chainEntries(head, entries);
    const text = `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
    const before = size;
    try {
      await handle.write(text, null, 'utf8');
      await handle.datasync();
      const last = records[records.length - 1]!;
      const headFile = `${file}.head`;
      await writeFile(`${headFile}.tmp`, JSON.stringify({ seq: last.seq, hash: last.hash }));
      await rename(`${headFile}.tmp`, headFile);
      head = { seq: last.seq, hash: last.hash };
      size = before + Buffer.byteLength(text);
      return records;
    } catch (error) {
      await handle.truncate(before).catch(() => {
        broken = true;
      });
      throw error;
    }
  };
  const commits = new GroupCommit<AuditEntry, AuditRecord>(writeBatch);

  const reader = fileAuditReader(file);
  return {
    ...reader,
    kind: 'file',
    append: (entry) => commits.submit(entry),
    async close() {
      await commits.idle();
      await handle.close();
      await unlock();
    },
  };
}

/**
 * Reads the file without opening it for writing: works on a trail the store would refuse
 * (verify must read a tampered one) and beside a gateway that is appending.
 */
export function fileAuditReader(file: string): AuditReader {
  return {
    async accessesOf(citizenId, page): Promise<AccessPage> {
      // Newest first by keeping a window of the latest matches while reading oldest to newest.
      const latest: AuditRecord[] = [];
      for await (const stored of fileRecords(file)) {
        if ('unreadable' in stored) continue;
        if (page.beforeSeq !== null && stored.seq >= page.beforeSeq) continue;
        if (!stored.citizenIds.includes(citizenId)) continue;
        latest.push(stored);
        if (latest.length > page.first + 1) latest.shift();
      }
      latest.reverse();
      return { records: latest.slice(0, page.first), hasMore: latest.length > page.first };
    },
    records: () => fileRecords(file),
    head: async () => (await readHeadFile(file)) ?? EMPTY_HEAD,
    close: async () => undefined,
  };
}

/** Every line as a record, or as unreadable with its line number. */
export async function* fileRecords(file: string): AsyncIterable<StoredRecord> {
  let line = 0;
  for await (const text of linesOf(file)) {
    line += 1;
    yield parseStoredRecord(text, line);
  }
}

/** Whether the file exists (verify reports an absent trail rather than an empty one). */
export async function fileExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
