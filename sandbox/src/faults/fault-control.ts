/**
 * The development-only control endpoint of a sandbox bureau's faults, beside its protocol paths:
 *
 *   GET    /__faults   → 200 {"faults": {...}, "cardStatusFeed": boolean}
 *   POST   /__faults   {"latencyMs": 800, "errorRate": 0.5, …}  changes those settings
 *                      {"seed": 7}                              makes the draws repeatable
 *                      {"dropCardStatusMessages": 3}            drops the next 3 card-status messages (transit)
 *   DELETE /__faults   → every fault off
 *
 * Bad input is 400 `{"code":"MALFORMED"}`. With NODE_ENV=production the path does not exist:
 * 404 `{"code":"NOT_FOUND"}`, exactly like any unknown path, so a production bureau cannot be
 * broken from outside.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NO_FAULTS, type BureauFaults, type FaultSettings } from './bureau-faults';

export const FAULTS_PATH = '/__faults';

const MAX_CONTROL_BODY = 16 * 1024;

/** Whether the control endpoint exists: everywhere but production (the sandbox's one env read). */
export function faultControlAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return env.NODE_ENV !== 'production';
}

class Malformed extends Error {}

type Range = { min: number; max: number };
const NUMBER_SETTINGS: Record<Exclude<keyof FaultSettings, 'down'>, Range> = {
  latencyMs: { min: 0, max: 600_000 },
  latencyJitterMs: { min: 0, max: 600_000 },
  errorRate: { min: 0, max: 1 },
  corruptRate: { min: 0, max: 1 },
  clockSkewMs: { min: -31_536_000_000, max: 31_536_000_000 },
};

export interface FaultCommand {
  patch: Partial<FaultSettings>;
  seed?: number;
  dropCardStatusMessages?: number;
}

/** Validates a POST body; the message names the key at fault. */
export function parseFaultCommand(body: unknown): FaultCommand {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Malformed('body must be a JSON object');
  const command: FaultCommand = { patch: {} };
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'down') {
      if (typeof value !== 'boolean') throw new Malformed('down must be true or false');
      command.patch.down = value;
    } else if (key === 'seed' || key === 'dropCardStatusMessages') {
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Malformed(`${key} must be a non-negative integer`);
      command[key] = value as number;
    } else if (Object.prototype.hasOwnProperty.call(NUMBER_SETTINGS, key)) {
      const range = NUMBER_SETTINGS[key as keyof typeof NUMBER_SETTINGS];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max) {
        throw new Malformed(`${key} must be a number from ${range.min} to ${range.max}`);
      }
      command.patch[key as keyof typeof NUMBER_SETTINGS] = value;
    } else {
      throw new Malformed(`unknown setting ${key.slice(0, 40)}; known: ${[...Object.keys(NO_FAULTS), 'seed', 'dropCardStatusMessages'].join(', ')}`);
    }
  }
  return command;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readSmallBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CONTROL_BODY) {
        reject(new Malformed('body too large'));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Answers one request to FAULTS_PATH. */
export async function handleFaultControl(req: IncomingMessage, res: ServerResponse, faults: BureauFaults, allowed: boolean): Promise<void> {
  if (!allowed) return send(res, 404, { code: 'NOT_FOUND', message: 'no such operation' });
  const state = () => ({ faults: faults.settings, cardStatusFeed: faults.hasCardStatus });
  try {
    switch (req.method) {
      case 'GET':
        return send(res, 200, state());
      case 'DELETE':
        faults.clear();
        return send(res, 200, state());
      case 'POST': {
        let body: unknown;
        try {
          body = JSON.parse(await readSmallBody(req));
        } catch (error) {
          throw error instanceof Malformed ? error : new Malformed('body is not JSON');
        }
        const command = parseFaultCommand(body);
        if (command.dropCardStatusMessages !== undefined && !faults.hasCardStatus) throw new Malformed('this bureau has no card-status feed');
        if (command.seed !== undefined) faults.seed(command.seed);
        faults.set(command.patch);
        if (command.dropCardStatusMessages) faults.dropCardStatusMessages(command.dropCardStatusMessages);
        return send(res, 200, state());
      }
      default:
        return send(res, 404, { code: 'NOT_FOUND', message: 'no such operation' });
    }
  } catch (error) {
    if (error instanceof Malformed) return send(res, 400, { code: 'MALFORMED', message: error.message });
    return send(res, 500, { code: 'INTERNAL', message: 'internal error' });
  }
}
