/**
 * Per-request DataLoaders over the bureaus' batch calls: every key a query-plan fetch asks for is
 * collected into one upstream call (split only above the protocol's MAX_BATCH_KEYS).
 */
import DataLoader from 'dataloader';
import { MAX_BATCH_KEYS, type BatchAnswer } from '@huimin/adapters';
import { toGraphQLError } from './errors';

/** One record as the bureau answered it, with the time the bureau's data was current. */
export interface Stamped<T> {
  asOf: string;
  /** Null where the bureau said NOT_FOUND. */
  record: T | null;
}

export type StampedLoader<T> = DataLoader<string, Stamped<T>>;

/** A loader over a fetch that stamps each record itself (e.g. some from a replica, some live). */
export function createLoader<T>(fetchStamped: (keys: readonly string[]) => Promise<Array<Stamped<T>>>): StampedLoader<T> {
  return new DataLoader<string, Stamped<T>>(
    async (keys) => {
      let stamped: Array<Stamped<T>>;
      try {
        stamped = await fetchStamped(keys);
      } catch (error) {
        throw toGraphQLError(error);
      }
      if (stamped.length !== keys.length) throw new Error(`batch answer has ${stamped.length} items for ${keys.length} keys`);
      return stamped;
    },
    { maxBatchSize: MAX_BATCH_KEYS },
  );
}

/** A bureau batch answer as one stamped record per key. */
export function stampAnswer<T>(answer: BatchAnswer<T>): Array<Stamped<T>> {
  return answer.items.map((record) => ({ asOf: answer.asOf, record: record ?? null }));
}

/** A loader over a batch call; a failed call rejects every key with the mapped GraphQLError. */
export function createStampedLoader<T>(fetchBatch: (keys: readonly string[]) => Promise<BatchAnswer<T>>): StampedLoader<T> {
  return createLoader(async (keys) => stampAnswer(await fetchBatch(keys)));
}

/** True for the errors a bureau outage produces (as opposed to bad input or bugs). */
export function isUpstreamFailure(error: unknown): boolean {
  const code = toGraphQLError(error).extensions['code'];
  return code === 'UPSTREAM_UNAVAILABLE' || code === 'UPSTREAM_TIMEOUT';
}

/** Loads a record, turning a rejected load into a thrown GraphQLError for the field. */
export async function loadStamped<T>(loader: StampedLoader<T>, key: string): Promise<Stamped<T>> {
  try {
    return await loader.load(key);
  } catch (error) {
    throw toGraphQLError(error);
  }
}
