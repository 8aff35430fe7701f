/**
 * The embedded audit store: an append-only JSON-lines file, one record a line, and beside it
 * `<file>.head` holding the chain head (so a cut-off tail is noticed). Every batch is fsynced
 * before the operations it records are answered. One gateway process per file: two processes
 * appending to one file would make two chains; share PostgreSQL for that.
 *
 * The head is one fixed-size record (HEAD_BYTES, space-padded JSON) rewritten in place with a
 * single positional write on a handle kept open: one system call per batch, where writing a
 * temporary file and renaming it took four and was a tenth of the gateway's CPU per audited
 * request (bench/RESULTS.md). A write that small at offset 0 lies within one disk sector.
 *
 * Where the platform has O_DSYNC (Linux, macOS) the records file is opened with it, so one
 * write puts a batch on disk, and the head (not synced, see below) is written synchronously
 * into the page cache. Each asynchronous file operation is a round trip through libuv's thread
 * pool, and on the 2-core virtual machine we measure on, waking a pool thread cost the event loop about
 * 33 µs per operation (write, then datasync, then the head: three per batch); this makes it one.
 */
import { closeSync, constants as fsConstants, createReadStream, openSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { chainEntries, EMPTY_HEAD, type AuditEntry, type AuditRecord, type ChainHead } from './audit-record';
import type { AccessPage, AuditReader, AuditStore } from './audit-store';
import { GroupCommit } from './group-commit';
import { parseStoredRecord, type StoredRecord } from './stored-record';

/** How much of the file's end is read at start to find the last record. */
const TAIL_BYTES = 64 * 1024;
/** The head file's size: `{"seq":…,"hash":"<64 hex>"}` padded with spaces, newline last. */
const HEAD_BYTES = 128;
/** Append, read (the tail at start) and, where there is such a flag, every write synced (0 where not). */
const O_DSYNC = fsConstants.O_DSYNC ?? 0;
const RECORDS_FLAGS = fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_RDWR | O_DSYNC;

function encodeHead(head: ChainHead): Buffer {
  const json = JSON.stringify({ seq: head.seq, hash: head.hash });
  if (json.length > HEAD_BYTES - 1) throw new Error(`audit head too long: ${json.length} bytes`);
  return Buffer.from(`${json.padEnd(HEAD_BYTES - 1, ' ')}\n`, 'utf8');
}

export class AuditChainMismatch extends Error {
  override readonly name = 'AuditChainMismatch';
}

async function readHeadFile(file: string): Promise<ChainHead | null> {
  try {
    const parsed = JSON.parse((await readFile(`${file}.head`, 'utf8')).trim()) as Partial<ChainHead>;
    if (typeof parsed.seq === 'number' && typeof parsed.hash === 'string') return { seq: parsed.seq, hash: parsed.hash };
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The complete records in the file's last TAIL_BYTES, oldest first (a cut first line is left out). */
async function tailRecordsOf(handle: FileHandle, size: number): Promise<ChainHead[]> {
  if (size === 0) return [];
  const length = Math.min(size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  await handle.read(buffer, 0, length, size - length);
  const lines = buffer.toString('utf8').split('\n').filter((line) => line.trim() !== '');
  if (length < size) lines.shift();
  const records = lines.map((line) => parseStoredRecord(line));
  const last = records[records.length - 1];
  if (!last || 'unreadable' in last) throw new AuditChainMismatch('the audit file does not end with a readable record; run `npm run audit:verify`');
  return records.flatMap((record) => ('unreadable' in record ? [] : [{ seq: record.seq, hash: record.hash }]));
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

export interface FileAuditStoreOptions {
  /** Replaces the head write (tests make it fail, as a full or failing disk would). */
  writeHead?: (bytes: Buffer) => Promise<void>;
  /** See GroupCommitOptions. Default 0. */
  commitDelayMs?: number;
}

/** Opens (creating when absent) the file store; refuses a file whose tail disagrees with its head. */
export async function openFileAuditStore(file: string, options: FileAuditStoreOptions = {}): Promise<AuditStore> {
  await mkdir(dirname(file), { recursive: true });
  const unlock = await lockForWriting(file);
  const handle = await open(file, RECORDS_FLAGS).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  let size = (await handle.stat()).size;
  const tail = await tailRecordsOf(handle, size).catch(async (error: unknown) => {
    await handle.close();
    await unlock();
    throw error;
  });
  let head = tail[tail.length - 1] ?? EMPTY_HEAD;
  const kept = await readHeadFile(file);
  // The head is written after each batch's records are on disk, without an fsync of its own: after
  // a crash it may lag by the batches whose head write was lost, and then names a record still in
  // the tail. A head beyond the file, or naming no record in it, means records were removed.
  const lagging = kept !== null && kept.seq < head.seq && tail.some((record) => record.seq === kept.seq && record.hash === kept.hash);
  if (kept && (kept.seq !== head.seq || kept.hash !== head.hash) && !lagging) {
    await handle.close();
    await unlock();
    throw new AuditChainMismatch(`the audit file ends at record ${head.seq} but its head says ${kept.seq}; run \`npm run audit:verify\``);
  }
  const headFile = `${file}.head`;
  if (!kept || lagging) await writeFile(headFile, encodeHead(head));
  // r+: positional writes (an append-mode handle would ignore the offset). Written synchronously:
  // 128 bytes into the page cache, cheaper than a round trip through the thread pool.
  const headFd = openSync(headFile, 'r+');
  const writeHead = options.writeHead ?? (async (bytes: Buffer) => void writeSync(headFd, bytes, 0, bytes.length, 0));
  // After a failed write that could not be undone, nothing more is appended: the chain would fork.
  let broken = false;

  const writeBatch = async (entries: AuditEntry[]): Promise<AuditRecord[]> => {
    if (broken) throw new Error('audit file store is unusable after a failed write');
    const records = chainEntries(head, entries);
    const text = `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
    const before = size;
    try {
      await handle.write(text, null, 'utf8');
      if (O_DSYNC === 0) await handle.datasync();
      const last = records[records.length - 1]!;
      await writeHead(encodeHead(last));
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
  const commits = new GroupCommit<AuditEntry, AuditRecord>(writeBatch, { commitDelayMs: options.commitDelayMs ?? 0 });

  const reader = fileAuditReader(file);
  return {
    ...reader,
    kind: 'file',
    append: (entry) => commits.submit(entry),
    async close() {
      await commits.idle();
      await handle.close();
      closeSync(headFd);
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
