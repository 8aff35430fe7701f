/**
 * The transport bench's child: three servers answering every POST with the same subgraph-sized
 * JSON, after reading and parsing the body, differing only in how they trust the caller:
 *
 * - plain: HTTP, no check (contenders (a)–(d)'s subgraphs);
 * - signed: HTTP, the gateway's signed subgraph context checked on every call (today's trust);
 * - mutualTls: HTTPS that requires a client certificate from the bench CA, nothing per call.
 *
 * Environment: TRANSPORT_CONTEXT_KEY (hex), TRANSPORT_TLS (JSON: ca, cert and key PEMs).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  SUBGRAPH_CONTEXT_HEADER,
  SUBGRAPH_CONTEXT_SIGNATURE_HEADER,
  SUBGRAPH_REQUEST_ID_HEADER,
  SubgraphContextKey,
  subgraphContextDigest,
  verifySubgraphCall,
} from '@huimin/schema';
import { answerDriver, runChild, send } from '../gateway/ipc';
import { TRANSPORT_SUBGRAPH, transportAnswer } from './transport-payloads';

const SKEW_MS = 60_000;

function header(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function handler(check: ((request: IncomingMessage, body: string) => boolean) | null) {
  const answer = transportAnswer();
  return (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (check && !check(request, body)) {
        response.writeHead(401).end();
        return;
      }
      JSON.parse(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
  };
}

function listen(server: Server, scheme: 'http' | 'https'): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)),
  );
}

runChild(async () => {
  const key = new SubgraphContextKey(Buffer.from(process.env.TRANSPORT_CONTEXT_KEY ?? '', 'hex'));
  const tls = JSON.parse(process.env.TRANSPORT_TLS ?? '{}') as { ca: string; cert: string; key: string };
  const digests = new Map<string, string>();
  const verify = (request: IncomingMessage, body: string): boolean => {
    const context = header(request, SUBGRAPH_CONTEXT_HEADER);
    let digest = digests.get(context);
    if (digest === undefined) digests.set(context, (digest = subgraphContextDigest(context)));
    const signature = header(request, SUBGRAPH_CONTEXT_SIGNATURE_HEADER);
    return verifySubgraphCall(key, TRANSPORT_SUBGRAPH, header(request, SUBGRAPH_REQUEST_ID_HEADER), digest, signature, body, Date.now(), SKEW_MS);
  };
  const servers = [
    createHttpServer(handler(null)),
    createHttpServer(handler(verify)),
    createHttpsServer({ ca: tls.ca, cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: true }, handler(null)),
  ];
  const [plain, signed, mutualTls] = await Promise.all([listen(servers[0]!, 'http'), listen(servers[1]!, 'http'), listen(servers[2]!, 'https')]);
  answerDriver(async () => {
    for (const server of servers) server.closeAllConnections();
  });
  send({ type: 'transport-ready', plain: plain!, signed: signed!, mutualTls: mutualTls! });
});
