/**
 * Bringing the contenders up: (b), (c), (d), (e) each in a fresh process of its own, checked to
 * give the same data; (a) from the subgraph calls our gateway was recorded making.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskIdentities, type RequestSigner } from './access';
import { forkChild, type BenchChild } from './children';
import { checkReplay, runReplay } from './direct-replay';
import type { ServerReady, UpstreamReady } from './ipc';
import { runAutocannon } from './load';
import { QUERY_NAMES, type QueryName } from './queries';
import { CONTENDER_LABELS, type ContenderId } from './report';
import type { Contestant } from './rounds';
import { assertSameData, postGraphQL, sampleAnswers, sampleOf, type SampledAnswers } from './same-data';
import { startSubgraphRecorder, type RecordedQuery } from './subgraph-recorder';

export type GatewayId = Exclude<ContenderId, 'a'>;

const GATEWAY_SCRIPTS: Record<GatewayId, string> = {
  b: join(__dirname, 'contenders', 'apollo-gateway.js'),
  c: join(__dirname, 'contenders', 'hive-gateway.js'),
  d: join(__dirname, 'contenders', 'huimin-gateway.js'),
  e: join(__dirname, 'contenders', 'huimin-gateway-access.js'),
};
/** Requests compared between contenders per query before timing. */
const SAME_DATA_SAMPLE: Record<QueryName, number> = { Q1: 20, Q2: 4 };
/** Q1 queries recorded for the direct replay (Q2 records every batch). */
const RECORDED_Q1 = 200;

export type QueryBodies = Record<QueryName, string[]>;

/** A gateway contender's process, and how its requests are signed (null: they are not). */
export interface GatewayProcess {
  id: GatewayId;
  child: BenchChild<ServerReady>;
  sign: RequestSigner | null;
}

/** `profileDir` set: the process writes a V8 CPU profile there when it stops. */
export function startGatewayProcess(
  id: GatewayId,
  supergraphFile: string,
  profileDir: string | null,
  env: Record<string, string> = {},
): Promise<BenchChild<ServerReady>> {
  const execArgv = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `gateway-${id}-${Date.now()}.cpuprofile`] : [];
  return forkChild<ServerReady>(CONTENDER_LABELS[id], GATEWAY_SCRIPTS[id], 'ready', { args: [supergraphFile], execArgv, env: { APOLLO_TELEMETRY_DISABLED: 'true', ...env } });
}

export function gatewayContestant({ id, child, sign }: GatewayProcess, bodies: QueryBodies): Contestant {
  return { id, gateway: child, run: (query, options) => runAutocannon(child.ready.url, bodies[query], options, sign) };
}

/**
 * Fails loudly unless every gateway answers the sampled requests with the same data as the first.
 */
export async function checkSameData(gateways: readonly GatewayProcess[], bodies: QueryBodies): Promise<void> {
  let reference: { id: GatewayId; answers: Record<QueryName, SampledAnswers> } | null = null;
  for (const { id, child, sign } of gateways) {
    // (e)'s partner holds identity:full; masked, its identities must be exactly the others'.
    const options = { sign, normalise: id === 'e' ? maskIdentities : undefined };
    const answers = {} as Record<QueryName, SampledAnswers>;
    for (const query of QUERY_NAMES) answers[query] = await sampleAnswers(child.ready.url, sampleOf(bodies[query], SAME_DATA_SAMPLE[query]), options);
    if (reference === null) {
      reference = { id, answers };
      continue;
    }
    for (const query of QUERY_NAMES) {
      assertSameData(reference.answers[query], answers[query], `${CONTENDER_LABELS[id]} ${query} vs ${CONTENDER_LABELS[reference.id]}`);
    }
  }
}

/** Records, through a proxy, the subgraph calls our gateway makes for each body, one query at a time. */
async function recordSubgraphCalls(upstream: UpstreamReady, bodies: QueryBodies): Promise<Record<QueryName, RecordedQuery[]>> {
  const recorder = await startSubgraphRecorder(readFileSync(upstream.supergraphFile, 'utf8'), upstream.subgraphUrls);
  const file = join(mkdtempSync(join(tmpdir(), 'huimin-bench-rec-')), 'supergraph.graphql');
  writeFileSync(file, recorder.recordingSupergraph);
  const gateway = await startGatewayProcess('d', file, null);
  try {
    const recorded: Record<QueryName, RecordedQuery[]> = { Q1: [], Q2: [] };
    for (const query of QUERY_NAMES) {
      for (const body of query === 'Q1' ? bodies.Q1.slice(0, RECORDED_Q1) : bodies.Q2) {
        recorder.begin();
        await postGraphQL(gateway.ready.url, body);
        recorded[query].push(recorder.finish());
      }
    }
    return recorded;
  } finally {
    await gateway.stop();
    await recorder.close();
  }
}

/** Contender (a): our gateway's subgraph calls, recorded once, then replayed without it. */
export async function directContestant(upstream: UpstreamReady, bodies: QueryBodies, log: (line: string) => void): Promise<Contestant> {
  const recorded = await recordSubgraphCalls(upstream, bodies);
  for (const query of QUERY_NAMES) {
    await checkReplay(recorded[query]);
    const calls = recorded[query].map((q) => q.calls.length);
    log(`${CONTENDER_LABELS.a} ${query}: ${recorded[query].length} recorded queries, ${Math.min(...calls)}–${Math.max(...calls)} subgraph calls each`);
  }
  return { id: 'a', gateway: null, run: (query, options) => runReplay(recorded[query], options) };
}
