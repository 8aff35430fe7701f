/**
 * ApolloServer on plain node:http or node:https (no express): /graphql for operations, /health
 * for probes. The subgraphs sit behind the gateway only, so this stays minimal.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';

/** Bodies above this are refused (500 citizen ids are a few tens of kilobytes). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ServeOptions<TContext extends BaseContext> {
  /** Not yet started; serveOverHttp starts it. */
  server: ApolloServer<TContext>;
  /** Builds the per-request context (fresh loaders each time). */
  context: (request: IncomingMessage) => TContext | Promise<TContext>;
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Whether the request may be served (the gateway's signed context, over the body as received); false answers 401 UNAUTHENTICATED. */
  authorize?: (request: IncomingMessage, rawBody: string) => boolean;
  /** Routes beside /graphql and /health (a webhook); each reads its own body and does its own authentication. */
  routes?: readonly HttpRoute[];
  /**
   * Serve HTTPS with this identity, asking clients for a certificate from `caPem`. The handshake
   * does not require one (health probes and webhooks come without); `authorize` decides.
   */
  tls?: { certPem: string; keyPem: string; caPem: string };
}

/** One extra route, matched on method and exact path. A throw answers 500 INTERNAL. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export interface HttpServing {
  /** http(s)://host:port/graphql */
  url: string;
  port: number;
  /** Stops Apollo and closes every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge('body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headerMapOf(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

async function sendGraphQL(response: ServerResponse, answer: HTTPGraphQLResponse): Promise<void> {
  response.statusCode = answer.status ?? 200;
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  if (answer.body.kind === 'complete') {
    response.end(answer.body.string);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) response.write(chunk);
  response.end();
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if (contentType?.toLowerCase().includes('application/json')) return JSON.parse(raw) as unknown;
  return raw;
}

export async function serveOverHttp<TContext extends BaseContext>(options: ServeOptions<TContext>): Promise<HttpServing> {
  const { server } = options;
  await server.start();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://subgraph');
    if (url.pathname === '/health' && request.method === 'GET') return sendJson(response, 200, { status: 'ok' });
    const route = options.routes?.find((r) => r.path === url.pathname && r.method === request.method);
    if (route) return route.handle(request, response);
    if (url.pathname !== '/graphql') return sendJson(response, 404, { error: 'not found' });
    if (request.method !== 'GET' && request.method !== 'POST') return sendJson(response, 405, { error: 'method not allowed' });
    let body: unknown;
    let rawBody = '';
    try {
      rawBody = request.method === 'POST' ? await readBody(request) : '';
      body = request.method === 'POST' ? parseBody(rawBody, request.headers['content-type']) : undefined;
    } catch (error) {
      const status = error instanceof BodyTooLarge ? 413 : 400;
      return sendJson(response, status, { errors: [{ message: 'Unreadable request body', extensions: { code: 'BAD_REQUEST' } }] });
    }
    if (options.authorize && !options.authorize(request, rawBody)) {
      return sendJson(response, 401, { errors: [{ message: 'Only the gateway may call this subgraph', extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    const answer = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method, headers: headerMapOf(request), search: url.search, body },
      context: async () => options.context(request),
    });
    await sendGraphQL(response, answer);
  };

  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL' } }] });
      else response.destroy();
    });
  };
  const { tls } = options;
  const http = tls
    ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem, ca: tls.caPem, requestCert: true, rejectUnauthorized: false }, listener)
    : createServer(listener);
  // Longer than the gateway's idle timeout so the gateway, not us, closes idle keep-alive sockets.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${port}/graphql`,
    port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await closed;
        await server.stop();
      })();
      return closing;
    },
  };
}
