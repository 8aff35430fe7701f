/**
 * The HTTP shell every sandbox bureau runs in: body limit, error mapping to `{"code","message"}`
 * and per-operation call counting (tests assert how many batch calls a query made). With `tls`
 * it serves HTTPS, as the real bureaus do; without, plain HTTP for unit tests.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ProtocolError } from '@huimin/adapters';
import { BureauFaults } from '../faults/bureau-faults';
import { faultControlAllowed } from '../faults/fault-control';
import { withFaults } from '../faults/fault-injection';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface BureauHttpRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface BureauHttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** The bureau's TLS identity: its certificate (chained to the CA the adapters trust) and key, PEM. */
export interface BureauServerTls {
  certPem: string;
  keyPem: string;
}

export interface CallStats {
  calls: number;
  keys: number;
}

/** What a bureau's handler reports back about a call, for the stats. */
export interface BureauHandler {
  (request: BureauHttpRequest, record: (operation: string, keys: number) => void): Promise<BureauHttpResponse> | BureauHttpResponse;
}

export interface RunningBureau {
  url: string;
  port: number;
  /** Calls per operation since start (or the last reset). */
  stats(): Record<string, CallStats>;
  resetStats(): void;
  /** Faults injected at run time (also through POST /__faults outside production). */
  faults: BureauFaults;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Answered, not hung up on: the rest is read and dropped while the refusal goes out.
        req.removeAllListeners('data');
        req.resume();
        reject(new ProtocolError('MALFORMED', 'body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function errorResponse(error: unknown): BureauHttpResponse {
  const failure = error instanceof ProtocolError ? error : new ProtocolError('INTERNAL', 'internal error');
  return { status: failure.httpStatus, body: JSON.stringify({ code: failure.code, message: failure.message }) };
}

export async function startBureauServer(options: { host?: string; port?: number; tls?: BureauServerTls; handler: BureauHandler; faultControl?: boolean }): Promise<RunningBureau> {
  const faults = new BureauFaults();
  let stats: Record<string, CallStats> = {};
  const record = (operation: string, keys: number): void => {
    const entry = (stats[operation] ??= { calls: 0, keys: 0 });
    entry.calls += 1;
    entry.keys += keys;
  };
  const listener: RequestListener = (req, res) => {
    void (async () => {
      let response: BureauHttpResponse;
      try {
        const url = new URL(req.url ?? '/', 'http://bureau.invalid');
        const body = await readBody(req);
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
        response = await options.handler({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body }, record);
      } catch (error) {
        response = errorResponse(error);
      }
      if (res.destroyed) return;
      res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
      res.end(response.body);
    })();
  };
  const faulty = withFaults(listener, faults, options.faultControl ?? faultControlAllowed());
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, faulty) : createServer(faulty);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = {};
    },
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
