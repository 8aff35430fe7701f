/**
 * Before any contender is timed, it must give the same `data` as the reference for a sample of
 * each query's requests: a gateway that answers faster by answering less would otherwise win.
 */

export interface SampledAnswers {
  /** Canonical JSON of `data`, one per sampled request body. */
  data: string[];
}

/** Posts one GraphQL request; fails loudly on a non-200 status or any GraphQL error. */
export async function postGraphQL(url: string, body: string, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let parsed: { data?: unknown; errors?: unknown[] };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new Error(`${url} answered ${response.status} with non-JSON: ${text.slice(0, 300)}`);
  }
  if (!response.ok || parsed.errors || parsed.data == null) {
    throw new Error(`${url} answered ${response.status} with errors: ${text.slice(0, 1000)}`);
  }
  return parsed.data;
}

/** At most `count` bodies spread evenly over the list, the same ones for every contender. */
export function sampleOf<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)] as T);
}

export interface SampleOptions {
  /** Signature headers per request (a contender behind partner authentication). */
  sign?: ((path: string, body: string) => Record<string, string>) | null;
  /** Applied to each answer before it is compared (masking that differs by design). */
  normalise?: (data: unknown) => unknown;
}

export async function sampleAnswers(url: string, bodies: readonly string[], options: SampleOptions = {}): Promise<SampledAnswers> {
  const path = new URL(url).pathname;
  const data: string[] = [];
  for (const body of bodies) {
    const answer = await postGraphQL(url, body, options.sign?.(path, body) ?? {});
    data.push(canonicalJson(options.normalise ? options.normalise(answer) : answer));
  }
  return { data };
}

/** Throws, naming the first differing request and where the JSON starts to differ. */
export function assertSameData(reference: SampledAnswers, candidate: SampledAnswers, what: string): void {
  reference.data.forEach((expected, i) => {
    const actual = candidate.data[i];
    if (actual === expected) return;
    const at = firstDifference(expected, actual ?? '');
    throw new Error(
      `${what}: request #${i} answers different data than the reference at character ${at}:\n` +
        `  reference: …${expected.slice(Math.max(0, at - 80), at + 120)}…\n` +
        `  contender: …${(actual ?? '<none>').slice(Math.max(0, at - 80), at + 120)}…`,
    );
  });
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return i;
}

/** JSON with object keys sorted, so two equal answers serialise identically whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}
