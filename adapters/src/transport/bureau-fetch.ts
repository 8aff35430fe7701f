/**
 * One HTTP exchange with a bureau, with a timeout on every call. Network failures become
 * UPSTREAM UNAVAILABLE, the timeout UPSTREAM TIMEOUT, and `{"code"}` error bodies typed errors;
 * the upstream body itself never travels further than this function.
 */
import { PROTOCOL_ERROR_CODES, UpstreamError, type BureauSource, type ProtocolErrorCode } from '../errors';

export interface BureauRequest {
  source: BureauSource;
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface BureauResponse {
  status: number;
  headers: Headers;
  bodyText: string;
}

function errorCodeOf(bodyText: string): ProtocolErrorCode | null {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    const code = typeof parsed === 'object' && parsed !== null ? (parsed as { code?: unknown }).code : undefined;
    return typeof code === 'string' && code in PROTOCOL_ERROR_CODES ? (code as ProtocolErrorCode) : null;
  } catch {
    return null;
  }
}

/** Sends the request; resolves only for 2xx answers, throws UpstreamError otherwise. */
export async function bureauFetch(request: BureauRequest): Promise<BureauResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  let bodyText: string;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: { 'content-type': 'application/json', ...request.headers },
      body: request.body,
      signal,
    });
    bodyText = await response.text();
  } catch (error) {
    if (timeout.aborted) throw new UpstreamError(request.source, 'TIMEOUT', `no answer within ${request.timeoutMs} ms`);
    if (request.signal?.aborted) throw new UpstreamError(request.source, 'TIMEOUT', 'request deadline reached');
    throw new UpstreamError(request.source, 'UNAVAILABLE', `bureau unreachable (${(error as Error).name})`);
  }
  if (response.status >= 200 && response.status < 300) return { status: response.status, headers: response.headers, bodyText };
  const code = errorCodeOf(bodyText);
  throw new UpstreamError(request.source, code ?? 'UNAVAILABLE', `bureau answered HTTP ${response.status}${code ? ` ${code}` : ''}`);
}
