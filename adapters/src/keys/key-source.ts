/**
 * Where a client or bureau gets its keys: a fixed set, or a function so a running process can
 * switch keys (a rotation) without a restart. Every exchange reads its keys once and uses that
 * snapshot to the end, so an answer is always opened with the keys its request was sealed with.
 */
export type KeySource<T extends object> = T | (() => T);

export function readKeys<T extends object>(source: KeySource<T>): T {
  return typeof source === 'function' ? (source as () => T)() : source;
}
