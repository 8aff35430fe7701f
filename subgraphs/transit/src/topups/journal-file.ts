/**
 * The embedded stores' durability: an append-only JSON-lines file, written and fdatasync'ed
 * before a change is acknowledged, replayed whole on open. A process killed mid-write leaves at
 * most a torn last line, which is cut off on open (that change was never acknowledged); a bad
 * line anywhere else is corruption and stops the open. One process per file.
 */
import { closeSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class JournalFile {
  private constructor(private fd: number | null) {}

  /** Opens (creating) the file and answers it with every entry it holds, in order. */
  static open(path: string): { journal: JournalFile; entries: unknown[] } {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, 'a+', 0o600);
    const text = readFileSync(path, 'utf8');
    const entries: unknown[] = [];
    let goodBytes = 0;
    let offset = 0;
    while (offset < text.length) {
      const end = text.indexOf('\n', offset);
      const line = end === -1 ? text.slice(offset) : text.slice(offset, end);
      try {
        if (end === -1) throw new Error('unterminated line');
        entries.push(JSON.parse(line) as unknown);
        goodBytes += Buffer.byteLength(line, 'utf8') + 1;
      } catch {
        if (end !== -1 && end + 1 < text.length) throw new Error(`journal ${path}: unreadable entry at byte ${goodBytes}`);
        ftruncateSync(fd, goodBytes);
        break;
      }
      offset = end + 1;
    }
    return { journal: new JournalFile(fd), entries };
  }

  /** Appends the entries in one write and waits until they are on disk. */
  append(entries: readonly unknown[]): void {
    if (this.fd === null) throw new Error('journal closed');
    if (entries.length === 0) return;
    writeSync(this.fd, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }
}
