/**
 * node:http ↔ Apollo Server without a web framework: the request is read once (bounded), handed
 * to executeHTTPGraphQLRequest, and the answer written back. Fewer layers is fewer CPU cycles
 * per request, which is most of what a gateway spends.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';

export class RequestRejected extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Sent with the refusal: headers (Retry-After) and extensions beside the code (`limit`). */
    readonly extra: { headers?: Record<string, string>; extensions?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reject(new RequestRejected(413, 'BAD_REQUEST', `Request body is larger than ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new RequestRejected(413, 'BAD_REQUEST', `Request body is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new RequestRejected(400, 'BAD_REQUEST', 'Request body is not valid JSON');
  }
}

/**
 * A body carrying both a query and an APQ hash that is not that query's SHA-256: Apollo Server
 * answers it with an uncoded error (which would reach partners as INTERNAL); it is the client's
 * mistake, so it is refused here as BAD_REQUEST.
 */
function assertPersistedHashMatches(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const { query, extensions } = body as { query?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } };
  const hash = extensions?.persistedQuery?.sha256Hash;
  if (typeof query !== 'string' || typeof hash !== 'string') return;
  if (createHash('sha256').update(query).digest('hex') !== hash.toLowerCase()) {
    throw new RequestRejected(400, 'BAD_REQUEST', 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendRejection(res: ServerResponse, rejection: RequestRejected): void {
  const extensions = { code: rejection.code, ...rejection.extra.extensions };
  sendJson(res, rejection.status, { errors: [{ message: rejection.message, extensions }] }, rejection.extra.headers);
}

/** Runs one GraphQL-over-HTTP request through Apollo Server with the given context. */
export async function handleGraphQLRequest<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  options: { maxBodyBytes: number; context: (rawBody: Buffer) => Promise<TContext> },
): Promise<void> {
  const raw = req.method === 'POST' ? await readBody(req, options.maxBodyBytes) : Buffer.alloc(0);
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const httpGraphQLRequest: HTTPGraphQLRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    headers,
    search: queryStart >= 0 ? url.slice(queryStart) : '',
    body: req.method === 'POST' ? parseJsonBody(raw) : undefined,
  };
  assertPersistedHashMatches(httpGraphQLRequest.body);
  // The context is built (and its guards run) before Apollo sees the request, so a refusal is a
  // plain HTTP answer with its code rather than a "context creation failed" error.
  const context = await options.context(raw);
  const response = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => context });
  const outHeaders: Record<string, string> = {};
  for (const [name, value] of response.headers) outHeaders[name] = value;
  if (response.body.kind === 'complete') {
    outHeaders['content-length'] = String(Buffer.byteLength(response.body.string));
    res.writeHead(response.status ?? 200, outHeaders);
    res.end(response.body.string);
    return;
  }
  res.writeHead(response.status ?? 200, outHeaders);
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
