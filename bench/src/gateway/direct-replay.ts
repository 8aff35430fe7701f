/**
 * Contender (a), the no-gateway floor: the subgraph requests a gateway sent for each query,
 * replayed straight at the subgraphs in plan order (each call once the calls it waited for in the
 * recording are answered; the rest in parallel). One replayed query counts as one request; its
 * latency runs from its first call until its last answer. Same concurrency and duration as the
 * gateway runs.
 */
import { Agent, request as httpRequest } from 'node:http';
import { percentile } from '../stats';
import type { LoadOptions, LoadResult } from './load';
import type { RecordedQuery, SubgraphCall } from './subgraph-recorder';

interface CallOutcome {
  ok: boolean;
  graphqlError: boolean;
}

function send(agent: Agent, call: SubgraphCall): Promise<CallOutcome> {
  return new Promise((resolve) => {
    const body = Buffer.from(call.body);
    const outgoing = httpRequest(
      call.url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ ok: response.statusCode === 200, graphqlError: text.includes('"errors"') });
        });
        response.on('error', () => resolve({ ok: false, graphqlError: false }));
      },
    );
    outgoing.on('error', () => resolve({ ok: false, graphqlError: false }));
    outgoing.end(body);
  });
}

/** Sends every call of the query as soon as the calls it waits for are answered. */
async function replay(agent: Agent, query: RecordedQuery): Promise<CallOutcome[]> {
  const sent: Array<Promise<CallOutcome>> = [];
  for (const call of query.calls) {
    // `after` only names earlier calls, so their promises exist already.
    sent.push(Promise.all(call.after.map((index) => sent[index])).then(() => send(agent, call)));
  }
  return Promise.all(sent);
}

/** Checks, before timing, that every recorded query replays cleanly. */
export async function checkReplay(queries: readonly RecordedQuery[]): Promise<void> {
  const agent = new Agent({ keepAlive: true });
  try {
    for (const [index, query] of queries.entries()) {
      const outcomes = await replay(agent, query);
      if (outcomes.some((o) => !o.ok || o.graphqlError)) throw new Error(`direct replay of recorded query #${index} failed or answered errors`);
    }
  } finally {
    agent.destroy();
  }
}

export async function runReplay(queries: readonly RecordedQuery[], options: LoadOptions): Promise<LoadResult> {
  if (queries.some((query) => query.calls.some((call) => !call.url.startsWith('http://127.0.0.1:')))) {
    throw new Error('the bench loads 127.0.0.1 only');
  }
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections * 4 });
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  let graphqlErrors = 0;
  const started = performance.now();
  const deadline = started + options.durationS * 1000;

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const query = queries[next++ % queries.length] as RecordedQuery;
      const begin = performance.now();
      const outcomes = await replay(agent, query);
      latencies.push(performance.now() - begin);
      if (outcomes.some((o) => !o.ok)) failed += 1;
      if (outcomes.some((o) => o.graphqlError)) graphqlErrors += 1;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const durationS = (performance.now() - started) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    sent: latencies.length,
    durationS,
    requestsPerSecond: latencies.length / durationS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    non2xx: failed,
    socketErrors: 0,
    graphqlErrors,
    signedDuringRun: 0,
  };
}
