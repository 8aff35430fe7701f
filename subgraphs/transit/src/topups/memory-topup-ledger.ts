/**
 * The embedded top-up ledger: maps in memory, with every change appended to a journal file
 * first when one is given (journal-file.ts), so a killed process restarts with every top-up it
 * acknowledged. Each check-and-set runs without an await between check and set, so concurrent
 * requests in this process cannot both take an idempotency key or both move a top-up.
 */
import { JournalFile } from './journal-file';
import {
  applyTransition, assertTransition,
  type TopUpEvent, type TopUpLedger, type TopUpPage, type TopUpPosition, type TopUpRecord, type TopUpTransition,
} from './topup-types';

type JournalEntry = { t: 'topup'; r: TopUpRecord } | { t: 'event'; e: TopUpEvent };

const keyOf = (partner: string, idempotencyKey: string): string => `${partner}\u0000${idempotencyKey}`;

function isNewerFirst(a: TopUpPosition, b: TopUpPosition): number {
  if (a.createdAtMs !== b.createdAtMs) return b.createdAtMs - a.createdAtMs;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const positionOf = (record: TopUpRecord): TopUpPosition => ({ createdAtMs: Date.parse(record.createdAt), id: record.id });

export class MemoryTopUpLedger implements TopUpLedger {
  private readonly byId = new Map<string, TopUpRecord>();
  private readonly byKey = new Map<string, string>();
  private readonly outbox: TopUpEvent[] = [];
  private journal: JournalFile | null = null;

  /** Without a journal path nothing survives the process (tests). */
  constructor(journalPath?: string) {
    if (journalPath === undefined) return;
    const { journal, entries } = JournalFile.open(journalPath);
    this.journal = journal;
    for (const entry of entries as JournalEntry[]) {
      if (entry.t === 'topup') this.remember(entry.r);
      else this.outbox.push(entry.e);
    }
  }

  async insertPending(record: TopUpRecord): Promise<{ record: TopUpRecord; inserted: boolean }> {
    const heldId = record.partner !== null && record.idempotencyKey !== null ? this.byKey.get(keyOf(record.partner, record.idempotencyKey)) : undefined;
    const held = heldId === undefined ? undefined : this.byId.get(heldId);
    if (held) return { record: held, inserted: false };
    if (this.byId.has(record.id)) throw new Error('top-up id collision');
    this.write([{ t: 'topup', r: record }]);
    this.remember(record);
    return { record, inserted: true };
  }

  async findByKey(partner: string, idempotencyKey: string): Promise<TopUpRecord | null> {
    const id = this.byKey.get(keyOf(partner, idempotencyKey));
    return id === undefined ? null : (this.byId.get(id) ?? null);
  }

  async get(id: string): Promise<TopUpRecord | null> {
    return this.byId.get(id) ?? null;
  }

  async transition(move: TopUpTransition): Promise<TopUpRecord | null> {
    assertTransition(move);
    const current = this.byId.get(move.id);
    if (!current || current.status !== move.from) return null;
    const moved = applyTransition(current, move);
    const event: TopUpEvent = { seq: this.outbox.length + 1, topUpId: moved.id, partner: moved.partner, status: moved.status, reason: move.reason ?? null, at: move.at };
    this.write([{ t: 'topup', r: moved }, { t: 'event', e: event }]);
    this.remember(moved);
    this.outbox.push(event);
    return moved;
  }

  async importOffline(record: TopUpRecord): Promise<boolean> {
    if (this.byId.has(record.id)) return false;
    this.write([{ t: 'topup', r: record }]);
    this.remember(record);
    return true;
  }

  async listByCard(cardNo: string, first: number, after: TopUpPosition | null): Promise<TopUpPage> {
    const all = [...this.byId.values()].filter((r) => r.cardNo === cardNo).sort((a, b) => isNewerFirst(positionOf(a), positionOf(b)));
    const rest = after === null ? all : all.filter((r) => isNewerFirst(positionOf(r), after) > 0);
    return { records: rest.slice(0, first), hasNextPage: rest.length > first, totalCount: all.length };
  }

  async unresolved(limit: number): Promise<TopUpRecord[]> {
    return [...this.byId.values()]
      .filter((r) => r.status === 'PENDING' || r.status === 'FAILED')
      .sort((a, b) => -isNewerFirst(positionOf(a), positionOf(b)))
      .slice(0, limit);
  }

  async events(afterSeq: number, limit: number): Promise<TopUpEvent[]> {
    return this.outbox.filter((e) => e.seq > afterSeq).slice(0, limit);
  }

  close(): void {
    this.journal?.close();
  }

  private remember(record: TopUpRecord): void {
    this.byId.set(record.id, record);
    if (record.partner !== null && record.idempotencyKey !== null) this.byKey.set(keyOf(record.partner, record.idempotencyKey), record.id);
  }

  /** To disk before memory: a change the journal refused is not made. */
  private write(entries: JournalEntry[]): void {
    this.journal?.append(entries);
  }
}
