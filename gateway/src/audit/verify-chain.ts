/**
 * Checks an audit trail: every record's hash against its contents, every link against the record
 * before it, and the last record against the chain head kept apart. Each problem names the
 * record (by seq) and what happened to it: edited, removed, reordered, duplicated, unreadable.
 */
import { chainHash, entryOf, GENESIS_HASH, type AuditRecord, type ChainHead } from './audit-record';
import type { StoredRecord } from './stored-record';

export type ChainProblemKind = 'edited' | 'unreadable' | 'removed' | 'reordered' | 'duplicated' | 'head-mismatch';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The record's seq when it could be read. */
  seq: number | null;
  /** 1-based position in stored order (line of the file, row in seq order). */
  position: number;
  message: string;
}

export interface ChainReport {
  records: number;
  problems: ChainProblem[];
}

/**
 * `records` is called twice: a first pass learns where every hash is stored, so a record that
 * links to the wrong predecessor can be told apart as reordered (its predecessor is elsewhere)
 * or as following a removed one (its predecessor is nowhere).
 */
export async function verifyChain(records: () => AsyncIterable<StoredRecord>, head: ChainHead | null): Promise<ChainReport> {
  const positionOf = new Map<string, { position: number; seq: number }>();
  let position = 0;
  for await (const stored of records()) {
    position += 1;
    if (!('unreadable' in stored) && !positionOf.has(stored.hash)) positionOf.set(stored.hash, { position, seq: stored.seq });
  }

  const problems: ChainProblem[] = [];
  const report = (kind: ChainProblemKind, seq: number | null, at: number, message: string): void => {
    problems.push({ kind, seq, position: at, message });
  };
  let previous: AuditRecord | null = null;
  let afterUnreadable = false;
  position = 0;
  for await (const stored of records()) {
    position += 1;
    if ('unreadable' in stored) {
      report('unreadable', null, position, `the record at position ${position} is not a readable record (edited or cut)`);
      afterUnreadable = true;
      continue;
    }
    const record = stored;
    if (chainHash(record.prevHash, entryOf(record)) !== record.hash) {
      report('edited', record.seq, position, `record ${record.seq} was edited: its contents do not match its hash`);
    }
    const first = positionOf.get(record.hash);
    if (first && first.position !== position) {
      report('duplicated', record.seq, position, `record ${record.seq} is a copy of the record at position ${first.position}`);
    }
    const expected = previous?.hash ?? GENESIS_HASH;
    if (record.prevHash !== expected && !afterUnreadable) {
      const predecessor = positionOf.get(record.prevHash);
      if (record.prevHash === GENESIS_HASH) {
        report('reordered', record.seq, position, `record ${record.seq} is out of order: it is the first record of the chain but is stored after record ${previous?.seq}`);
      } else if (predecessor) {
        report('reordered', record.seq, position, `record ${record.seq} is out of order: it follows record ${predecessor.seq} (position ${predecessor.position}), not ${previous ? `record ${previous.seq}` : 'the start'}`);
      } else if (!previous) {
        report('removed', record.seq, position, `records before record ${record.seq} were removed: it links to no stored record`);
      } else if (record.seq > previous.seq + 1) {
        report('removed', record.seq, position, `records ${previous.seq + 1}–${record.seq - 1} were removed (between records ${previous.seq} and ${record.seq})`);
      } else {
        report('removed', record.seq, position, `the record before record ${record.seq} was removed or replaced: it does not link to record ${previous.seq}`);
      }
    }
    previous = record;
    afterUnreadable = false;
  }

  if (head) {
    const lastHash = previous?.hash ?? GENESIS_HASH;
    if (head.hash !== lastHash) {
      const kept = positionOf.get(head.hash);
      const last = previous ? `record ${previous.seq}` : 'no record';
      const message = kept
        ? `the chain head is record ${kept.seq} but records were stored after it (up to ${last})`
        : `records after ${last} were removed: the chain head says ${head.seq} records`;
      report('head-mismatch', previous?.seq ?? null, position, message);
    }
  }
  return { records: position, problems };
}
