/**
 * A local replica of civil-affairs records fed by the bureau's daily export, so that most lookups
 * never reach the bureau. Records keep the export's asOf; people not replicated yet fall back to
 * the batch call.
 */
import type { CivilAffairsClient } from '@huimin/adapters';
import type { CivilAffairsRecord } from '@huimin/schema';
import { shanghaiDate } from '@huimin/schema';
import type { ErrorLog, Stamped } from '@huimin/subgraph-kit';

const DAY_MS = 24 * 60 * 60 * 1000;

export class CivilReplica {
  private readonly records = new Map<string, Stamped<CivilAffairsRecord> & { record: CivilAffairsRecord }>();

  constructor(
    private readonly client: CivilAffairsClient,
    private readonly log: ErrorLog = console,
  ) {}

  /** Applies one day's export; a record only replaces an older version of itself. */
  async sync(date: string): Promise<number> {
    const daily = await this.client.dailyExport(date);
    let applied = 0;
    for (const record of daily.records) {
      const held = this.records.get(record.idNumber);
      if (held && held.record.updatedAt > record.updatedAt) continue;
      this.records.set(record.idNumber, { asOf: daily.asOf, record });
      applied += 1;
    }
    return applied;
  }

  /** Pulls the last `days` days (oldest first, today included); a failed day is logged and skipped. */
  async warm(days: number, now: number): Promise<void> {
    for (let back = days - 1; back >= 0; back -= 1) {
      const date = shanghaiDate(now - back * DAY_MS);
      try {
        await this.sync(date);
      } catch (error) {
        this.log.error(`civil replica: export for ${date} failed (${error instanceof Error ? error.name : 'error'})`);
      }
    }
  }

  get(idNumber: string): Stamped<CivilAffairsRecord> | undefined {
    return this.records.get(idNumber);
  }

  get size(): number {
    return this.records.size;
  }
}
