/**
 * The soak's record of every request, in columns allocated up front. The soak measures its own
 * process's heap, so a record that grows by an object per request (with its own array of codes)
 * would show up as the very trend it looks for; typed columns sized for the whole run do not.
 * Error codes, rare outside a flap, are kept only for the requests that had any.
 */
import type { Sample } from './soak-load';

export class SampleLog {
  private readonly at: Float64Array;
  private readonly latencyMs: Float32Array;
  private readonly status: Uint16Array;
  private readonly stale: Uint16Array;
  private readonly phaseIndex: Uint8Array;
  private readonly phases: string[] = [];
  private readonly codes = new Map<number, string[]>();
  private count = 0;
  private dropped = 0;

  constructor(readonly capacity: number) {
    this.at = new Float64Array(capacity);
    this.latencyMs = new Float32Array(capacity);
    this.status = new Uint16Array(capacity);
    this.stale = new Uint16Array(capacity);
    this.phaseIndex = new Uint8Array(capacity);
  }

  add(sample: Sample): void {
    const i = this.count;
    if (i >= this.capacity) {
      this.dropped += 1;
      return;
    }
    let phase = this.phases.indexOf(sample.phase);
    if (phase < 0) phase = this.phases.push(sample.phase) - 1;
    this.at[i] = sample.at;
    this.latencyMs[i] = sample.latencyMs;
    this.status[i] = sample.status;
    this.stale[i] = Math.min(sample.stale, 0xffff);
    this.phaseIndex[i] = phase;
    if (sample.codes.length > 0) this.codes.set(i, sample.codes);
    this.count = i + 1;
  }

  /** Samples past the capacity, not recorded (the capacity is sized so there are none). */
  droppedCount(): number {
    return this.dropped;
  }

  /** The samples as objects, for the report once the run is over. */
  toSamples(): Sample[] {
    return Array.from({ length: this.count }, (_, i) => ({
      at: this.at[i]!,
      latencyMs: this.latencyMs[i]!,
      status: this.status[i]!,
      stale: this.stale[i]!,
      phase: this.phases[this.phaseIndex[i]!]!,
      codes: this.codes.get(i) ?? [],
    }));
  }
}
