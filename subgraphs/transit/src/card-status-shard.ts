/**
 * One shard's view of the card-status feed, and the ordering rules that keep it right: messages
 * apply in `seq` order; anything at or below the applied seq is a duplicate; a delta ahead of the
 * next seq waits in a small window in case the missing one is only late; a hole that stays open
 * (past the gap timeout, or more messages waiting than the window holds) is a gap, which only a
 * snapshot (or the missing message after all) closes. A snapshot replaces the whole view.
 * No MQTT and no crypto here: messages arrive already verified and decrypted.
 */
import type { OpenedCardStatusMessage } from '@huimin/adapters';
import type { CardStatus } from '@huimin/schema';

export type ShardOutcome = 'APPLIED' | 'DUPLICATE' | 'BUFFERED';

/** Why a shard wants a snapshot now: a declared gap, or no snapshot yet since the feed started. */
export type SnapshotNeed = 'GAP' | 'NO_SNAPSHOT' | null;

export class ShardView {
  private appliedSeqValue: number | null = null;
  private appliedTimestampValue: number | null = null;
  private statuses = new Map<string, CardStatus>();
  private readonly pending = new Map<number, OpenedCardStatusMessage>();
  /** Local time since when the next seq has been missing while later ones wait. */
  private holeSince: number | null = null;
  private gapDeclared = false;

  constructor(
    private readonly window: number,
    private readonly gapTimeoutMs: number,
    private readonly startedAt: number,
  ) {}

  get appliedSeq(): number | null {
    return this.appliedSeqValue;
  }

  /** The timestamp of the last message applied: what the view is current as of. */
  get appliedTimestamp(): number | null {
    return this.appliedTimestampValue;
  }

  get inGap(): boolean {
    return this.gapDeclared;
  }

  get waiting(): number {
    return this.pending.size;
  }

  get cardCount(): number {
    return this.statuses.size;
  }

  statusOf(cardNo: string): CardStatus | undefined {
    return this.appliedSeqValue === null ? undefined : this.statuses.get(cardNo);
  }

  /**
   * Takes one verified message. `deltasApplied` counts this delta and any waiting ones it let
   * through; `gapDeclared` is true when this message revealed a gap.
   */
  offer(message: OpenedCardStatusMessage, nowMs: number): { outcome: ShardOutcome; deltasApplied: number; gapDeclared: boolean } {
    const applied = this.appliedSeqValue;
    if ((applied !== null && message.seq <= applied) || this.pending.has(message.seq)) return { outcome: 'DUPLICATE', deltasApplied: 0, gapDeclared: false };
    if (message.kind === 'snapshot') {
      this.statuses = new Map(message.cards.map((card) => [card.cardNo, card.status]));
      this.advance(message);
      return { outcome: 'APPLIED', deltasApplied: this.drain(nowMs), gapDeclared: false };
    }
    if (applied !== null && message.seq === applied + 1) {
      this.applyDelta(message);
      return { outcome: 'APPLIED', deltasApplied: 1 + this.drain(nowMs), gapDeclared: false };
    }
    // Ahead of the next seq, or no snapshot to apply it to yet: wait.
    this.pending.set(message.seq, message);
    this.holeSince ??= nowMs;
    if (this.pending.size > this.window) {
      // The oldest waiting delta is the first a snapshot would make moot anyway.
      this.pending.delete(Math.min(...this.pending.keys()));
      return { outcome: 'BUFFERED', deltasApplied: 0, gapDeclared: this.declareGap() };
    }
    return { outcome: 'BUFFERED', deltasApplied: 0, gapDeclared: false };
  }

  /** Called on a timer: declares a hole that stayed open too long, and says whether to ask for a snapshot. */
  check(nowMs: number): { need: SnapshotNeed; gapDeclared: boolean } {
    let gapDeclared = false;
    if (this.appliedSeqValue !== null && this.holeSince !== null && nowMs - this.holeSince >= this.gapTimeoutMs) {
      gapDeclared = this.declareGap();
    }
    if (this.gapDeclared) return { need: 'GAP', gapDeclared };
    if (this.appliedSeqValue === null && nowMs - this.startedAt >= this.gapTimeoutMs) return { need: 'NO_SNAPSHOT', gapDeclared };
    return { need: null, gapDeclared };
  }

  private declareGap(): boolean {
    if (this.gapDeclared || this.appliedSeqValue === null) return false;
    this.gapDeclared = true;
    return true;
  }

  private advance(message: OpenedCardStatusMessage): void {
    this.appliedSeqValue = message.seq;
    this.appliedTimestampValue = message.timestamp;
  }

  private applyDelta(message: OpenedCardStatusMessage): void {
    for (const card of message.cards) this.statuses.set(card.cardNo, card.status);
    this.advance(message);
  }

  /** Applies waiting deltas that now follow on (returns how many), forgets those made moot, and settles the hole. */
  private drain(nowMs: number): number {
    let count = 0;
    let applied = this.appliedSeqValue ?? Number.NEGATIVE_INFINITY;
    for (const seq of this.pending.keys()) if (seq <= applied) this.pending.delete(seq);
    for (let next = this.pending.get(applied + 1); next !== undefined; next = this.pending.get(applied + 1)) {
      this.pending.delete(next.seq);
      this.applyDelta(next);
      applied = next.seq;
      count += 1;
    }
    if (this.pending.size === 0) {
      this.holeSince = null;
      this.gapDeclared = false;
    } else if (!this.gapDeclared) {
      // A new hole behind what just applied: its clock starts now.
      this.holeSince = nowMs;
    }
    return count;
  }
}
