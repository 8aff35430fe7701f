/**
 * Sends hostile requests (hostile-requests.ts, hostile-envelopes.ts) and judges the answers: one
 * must come, in time, with a documented status and code — the gateway's error registry, the
 * bureaus' protocol codes — and nothing that looks like a stack trace, a file path or a module.
 */
import { Agent, request } from 'node:https';
import { PROTOCOL_ERROR_CODES } from '@huimin/adapters';
import { ERROR_CODES } from '@huimin/schema';
import { signHostile, type HostileRequest } from './hostile-requests';
import type { ProtocolMessage } from './hostile-envelopes';

/** No answer within this is a hang. */
export const ANSWER_TIMEOUT_MS = 15_000;

const LEAKS = [/\n\s+at\s/, /\bat [\w.<>]+ \(/, /node_modules/, /\/work\//, /\.[jt]s:\d+/, /-----BEGIN/, /\bUpstreamError\b|\bProtocolError\b|\bTypeError\b|\bRangeError\b/];

function leaks(text: string): string | null {
  const found = LEAKS.find((pattern) => pattern.test(text));
  return found ? String(found) : null;
}

/** Every answer, by status and code, for the report. */
export type Tally = Map<string, number>;

function count(tally: Tally, key: string): void {
  tally.set(key, (tally.get(key) ?? 0) + 1);
}

const GATEWAY_STATUSES = new Set([200, 400, 401, 403, 404, 405, 413, 429, 503]);

/** Sends one hostile request to the gateway; problems found go to `problems`. */
export async function sendToGateway(gatewayUrl: string, hostile: HostileRequest, problems: string[], tally: Tally): Promise<void> {
  const url = new URL(hostile.target, gatewayUrl).toString();
  const headers = { ...hostile.headers, ...signHostile(hostile, url) };
  const times = hostile.signing === 'replayed' ? 2 : 1;
  for (let i = 0; i < times; i += 1) {
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method: hostile.method,
        headers,
        ...(hostile.method === 'GET' || hostile.method === 'HEAD' ? {} : { body: hostile.body }),
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      problems.push(`${hostile.kind}: no answer (${(error as Error).name})`);
      continue;
    }
    const say = (line: string): void => void problems.push(`${hostile.kind} (${hostile.signing}) → ${status}: ${line}`);
    if (!GATEWAY_STATUSES.has(status)) say('status not in the contract');
    const leak = leaks(text);
    if (leak) say(`leaks ${leak}: ${text.slice(0, 200)}`);
    let body: { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      say(`not JSON: ${text.slice(0, 100)}`);
      continue;
    }
    const codes = (body.errors ?? []).map((e) => e.extensions?.code);
    for (const code of codes) if (typeof code !== 'string' || !(code in ERROR_CODES)) say(`code ${String(code)} not in the registry`);
    // /ready and /health are the operators' probes, not the partner contract: /ready answers 503
    // {"ready": false, …} whenever a subgraph probe is slow, which a loaded machine makes happen.
    const probe = /^\/(ready|health)(\?|$)/.test(new URL(url).pathname);
    if (status !== 200 && codes.length === 0 && !probe) say('a refusal without an error code');
    if (status === 503 && codes.some((code) => code !== 'OVERLOADED')) say('503 other than OVERLOADED');
    count(tally, `${status} ${codes[0] ?? (body.data !== undefined ? 'data' : '-')}`);
  }
}

export interface BureauTarget {
  url: string;
  agent: Agent;
}

/** An HTTPS agent trusting only the development CA, a few sockets kept alive. */
export function bureauAgent(caCertPem: string): Agent {
  return new Agent({ ca: caCertPem, keepAlive: true, maxSockets: 8 });
}

function bureauCall(target: BureauTarget, message: ProtocolMessage): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = message.method === 'GET' ? '' : message.body;
    // The length always said: Node sends DELETE bodies without one, which no server can frame.
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...message.headers };
    const req = request(new URL(message.path, target.url), { method: message.method, agent: target.agent, headers, timeout: ANSWER_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end(body);
  });
}

const BUREAU_STATUSES = new Set<number>([200, ...Object.values(PROTOCOL_ERROR_CODES)]);

/** Sends one protocol message to a bureau and judges its answer. */
export async function sendToBureau(bureau: string, target: BureauTarget, message: ProtocolMessage, problems: string[], tally: Tally): Promise<void> {
  let answer: { status: number; text: string };
  try {
    answer = await bureauCall(target, message);
  } catch (error) {
    problems.push(`${bureau} ${message.kind}: no answer (${(error as Error).message})`);
    return;
  }
  const say = (line: string): void => void problems.push(`${bureau} ${message.kind} → ${answer.status}: ${line}`);
  if (!BUREAU_STATUSES.has(answer.status)) say('status not a protocol code');
  const leak = leaks(answer.text);
  if (leak) say(`leaks ${leak}: ${answer.text.slice(0, 200)}`);
  if (answer.status === 200) {
    count(tally, `${bureau} 200`);
    return;
  }
  let body: { code?: unknown; message?: unknown };
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    say(`not JSON: ${answer.text.slice(0, 100)}`);
    return;
  }
  const code = typeof body.code === 'string' && body.code in PROTOCOL_ERROR_CODES ? (body.code as keyof typeof PROTOCOL_ERROR_CODES) : null;
  if (code === null || typeof body.message !== 'string') say(`not {"code","message"}: ${answer.text.slice(0, 100)}`);
  else if (PROTOCOL_ERROR_CODES[code] !== answer.status) say(`${code} with the wrong status`);
  count(tally, `${bureau} ${answer.status} ${String(body.code)}`);
}
