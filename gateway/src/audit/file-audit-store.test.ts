import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditStore } from './audit-store';
import { AuditChainMismatch, openFileAuditStore } from './file-audit-store';
import { sampleEntry } from './test-support/entries';
import { runAuditVerify } from './verify-cli';

async function verifyFile(file: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runAuditVerify(['audit', 'verify'], { HUIMIN_AUDIT_FILE: file }, { out: (t) => (out += t), err: (t) => (out += t) });
  return { code, out };
}

const linesOf = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n');
const writeLines = (file: string, lines: readonly string[]): void => writeFileSync(file, `${lines.join('\n')}\n`);

describe('file audit store', () => {
  let dir: string;
  let file: string;
  let store: AuditStore | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'huimin-audit-'));
    file = join(dir, 'nested', 'audit.jsonl');
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('chains concurrent appends in order, continues after reopening, and verifies intact', async () => {
    store = await openFileAuditStore(file);
    const first = await Promise.all(Array.from({ length: 30 }, (_, i) => store!.append(sampleEntry(i))));
    expect(first.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await store.close();
    store = await openFileAuditStore(file);
    const next = await store.append(sampleEntry(30));
    expect(next).toMatchObject({ seq: 31, prevHash: first[29]!.hash });
    expect(await store.head()).toEqual({ seq: 31, hash: next.hash });
    expect(await verifyFile(file)).toEqual({ code: 0, out: expect.stringContaining('intact: 31 records') });
  });

  it('after a crash that lost the last head writes, continues from the file and repairs the head', async () => {
    store = await openFileAuditStore(file);
    const records = [];
    for (let i = 0; i < 5; i += 1) records.push(await store.append(sampleEntry(i)));
    await store.close();
    store = undefined;
    // The records were fsynced; the head write of the last two batches never reached the disk.
    writeFileSync(`${file}.head`, JSON.stringify({ seq: 3, hash: records[2]!.hash }));
    store = await openFileAuditStore(file);
    expect((await store.append(sampleEntry(5))).seq).toBe(6);
    expect(await verifyFile(file)).toEqual({ code: 0, out: expect.stringContaining('intact: 6 records') });
    await store.close();
    store = undefined;
    // A head naming no record in the file is not a lag: records were removed or replaced.
    writeFileSync(`${file}.head`, JSON.stringify({ seq: 4, hash: 'f'.repeat(64) }));
    await expect(openFileAuditStore(file)).rejects.toBeInstanceOf(AuditChainMismatch);
  });

  it('refuses a second writer of the same file (it would fork the chain)', async () => {
    store = await openFileAuditStore(file);
    await expect(openFileAuditStore(file)).rejects.toThrow(`being written by process ${process.pid}`);
    // A lock left by a process that is gone is taken over.
    await store.close();
    writeFileSync(`${file}.lock`, '999999999');
    store = await openFileAuditStore(file);
    expect((await store.append(sampleEntry(0))).seq).toBe(1);
  });

  it("pages one citizen's records newest first", async () => {
    store = await openFileAuditStore(file);
    for (let i = 0; i < 12; i += 1) await store.append(sampleEntry(i, { citizenIds: i % 3 === 0 ? ['c-1'] : ['c-2'] }));
    const page1 = await store.accessesOf('c-1', { first: 3, beforeSeq: null });
    expect(page1.records.map((r) => r.seq)).toEqual([10, 7, 4]);
    expect(page1.hasMore).toBe(true);
    const page2 = await store.accessesOf('c-1', { first: 3, beforeSeq: 4 });
    expect(page2).toEqual({ records: [expect.objectContaining({ seq: 1 })], hasMore: false });
  });

  it('verify names an edited, a removed and a reordered line, and a cut tail', async () => {
    store = await openFileAuditStore(file);
    for (let i = 0; i < 10; i += 1) await store.append(sampleEntry(i));
    await store.close();
    store = undefined;
    const original = linesOf(file);

    const edited = [...original];
    edited[3] = edited[3]!.replace('"SERVED"', '"REFUSED"');
    writeLines(file, edited);
    expect(await verifyFile(file)).toEqual({ code: 1, out: expect.stringContaining('edited: record 4 was edited') });

    writeLines(file, original.filter((_, i) => i !== 5));
    expect(await verifyFile(file)).toEqual({ code: 1, out: expect.stringContaining('records 6–6 were removed') });

    const swapped = [...original];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    writeLines(file, swapped);
    expect(await verifyFile(file)).toEqual({ code: 1, out: expect.stringContaining('record 3 is out of order') });

    writeLines(file, original.slice(0, 9));
    expect(await verifyFile(file)).toEqual({ code: 1, out: expect.stringContaining('records after record 9 were removed') });
    // And the gateway refuses to extend a chain whose tail was cut.
    await expect(openFileAuditStore(file)).rejects.toBeInstanceOf(AuditChainMismatch);
  });

  it('rejects the append when the write fails, and appends again once the disk is back', async () => {
    let diskFull = false;
    store = await openFileAuditStore(file, {
      writeHead: async (bytes) => {
        if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        writeFileSync(`${file}.head`, bytes);
      },
    });
    await store.append(sampleEntry(0));
    // The head write fails after the data write: the batch is rejected and its line taken back.
    diskFull = true;
    await expect(store.append(sampleEntry(1))).rejects.toThrow('ENOSPC');
    diskFull = false;
    const again = await store.append(sampleEntry(2));
    expect(again.seq).toBe(2);
    expect(linesOf(file)).toHaveLength(2);
    expect(await verifyFile(file)).toMatchObject({ code: 0 });
  });
});
