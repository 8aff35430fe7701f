/**
 * A recording proxy between a gateway and the subgraphs, for contender (a): it notes every
 * subgraph request the gateway sends for one client query, with when it started and ended, so
 * the replay can send the same requests in the same plan order without any gateway.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SubgraphCall {
  /** The real subgraph URL. */
  url: string;
  body: string;
}

/**
 * One client query as the subgraphs saw it, in the order the calls arrived. Each call waits for
 * the calls that had been answered before it arrived (`after`, indices into `calls`): the plan
 * order as observed, since a gateway sends a dependent fetch only once what it needs is back.
 * Calls the gateway ran in parallel overlap, and so depend on nothing of each other.
 */
export interface RecordedQuery {
  calls: Array<SubgraphCall & { after: number[] }>;
}

export interface TimedCall extends SubgraphCall {
  startedAt: number;
  endedAt: number;
}

export interface SubgraphRecorder {
  /** The supergraph SDL with every subgraph routed through this proxy. */
  recordingSupergraph: string;
  /** Starts a fresh recording; `finish` returns what arrived since. */
  begin(): void;
  finish(): RecordedQuery;
  close(): Promise<void>;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Only what a GraphQL POST needs: the replay sends exactly these headers too. */
function forward(url: string, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': body.length };
    const outgoing = httpRequest(url, { method: 'POST', headers }, (response) => {
      readAll(response).then((answer) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: answer }), reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export function dependenciesOf(timed: readonly TimedCall[]): RecordedQuery {
  const calls = [...timed].sort((x, y) => x.startedAt - y.startedAt);
  return {
    calls: calls.map((call) => ({
      url: call.url,
      body: call.body,
      after: calls.flatMap((earlier, index) => (earlier.endedAt <= call.startedAt ? [index] : [])),
    })),
  };
}

export async function startSubgraphRecorder(supergraphSdl: string, subgraphUrls: Record<string, string>): Promise<SubgraphRecorder> {
  let calls: TimedCall[] = [];
  const targets = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const target = targets.get(req.url ?? '');
    if (!target || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const startedAt = performance.now();
    readAll(req)
      .then(async (body) => {
        const answer = await forward(target, body);
        res.writeHead(answer.status, { 'content-type': answer.headers['content-type'] ?? 'application/json', 'content-length': answer.body.length });
        res.end(answer.body);
        calls.push({ url: target, body: body.toString('utf8'), startedAt, endedAt: performance.now() });
      })
      .catch((error: unknown) => {
        res.writeHead(502).end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  let recordingSupergraph = supergraphSdl;
  for (const [name, url] of Object.entries(subgraphUrls)) {
    const path = `/${name}`;
    targets.set(path, url);
    const quoted = JSON.stringify(url);
    if (!recordingSupergraph.includes(quoted)) throw new Error(`the supergraph does not route ${name} to ${url}`);
    recordingSupergraph = recordingSupergraph.split(quoted).join(JSON.stringify(`http://127.0.0.1:${port}${path}`));
  }

  return {
    recordingSupergraph,
    begin: () => {
      calls = [];
    },
    finish: () => dependenciesOf(calls),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
