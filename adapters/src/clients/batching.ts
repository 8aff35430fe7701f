/**
 * What every batch client does around its bureau call: no call for no keys, chunks of at most
 * MAX_BATCH_KEYS sent in parallel, answers stitched back in the order asked, protocol failures
 * turned into UpstreamErrors.
 */
import { formatShanghai } from '@huimin/schema';
import { ProtocolError, UpstreamError, type BureauSource } from '../errors';
import type { Clock } from '../protocols/freshness';
import { MAX_BATCH_KEYS, type BatchAnswer } from './types';

/** Splits the keys into bureau-sized calls and joins their answers in order. */
export async function inBatches<T>(
  keys: readonly string[],
  clock: Clock,
  fetchBatch: (batch: readonly string[]) => Promise<BatchAnswer<T>>,
): Promise<BatchAnswer<T>> {
  if (keys.length === 0) return { asOf: formatShanghai(clock()), items: [] };
  const batches: string[][] = [];
  for (let start = 0; start < keys.length; start += MAX_BATCH_KEYS) batches.push(keys.slice(start, start + MAX_BATCH_KEYS));
  const answers = await Promise.all(batches.map(fetchBatch));
  // The joined answer is only as current as its stalest part. All asOf values share the +08:00
  // format, so text order is time order.
  const asOf = answers.map((answer) => answer.asOf).reduce((a, b) => (b < a ? b : a));
  return { asOf, items: answers.flatMap((answer) => answer.items) };
}

/** A ProtocolError while opening an answer becomes an UpstreamError with the same code. */
export async function asUpstream<T>(source: BureauSource, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (error instanceof ProtocolError) throw new UpstreamError(source, error.code, `bureau answer rejected: ${error.message}`);
    throw error;
  }
}
