/**
 * The transit client's call policies: card and top-up reads are retried, a top-up (it moves
 * money) is sent once however the attempt fails, and an open circuit refuses it unsent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateTransitKeyMaterial } from '../protocols/transit';
import type { TopUpRequest } from '../protocols/transit-operations';
import { createBureauPolicy } from '../resilience';
import { createTransitClient } from './transit-client';

const { client: keys } = generateTransitKeyMaterial('huimin-gateway');
/** Requests seen by path; every one is answered by dropping the connection (a retryable failure). */
const seen: string[] = [];
let bureau: Server;
let baseUrl: string;

beforeAll(async () => {
  bureau = createServer((req) => {
    seen.push(`${req.method} ${req.url}`);
    req.socket.destroy();
  });
  await new Promise<void>((resolve) => bureau.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(bureau.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => bureau.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

const topUp: TopUpRequest = { topUpId: 'T-1', cardNo: 'C1', amountFen: 100, channel: 'COUNTER' };

describe('transit client call policies', () => {
  const retrying = () => createBureauPolicy('TRANSIT', { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, breaker: false });

  it('retries a top-up read but sends a top-up once', async () => {
    const client = createTransitClient({ baseUrl, keys, callPolicy: retrying() });
    await expect(client.getTopUp('T-1')).rejects.toMatchObject({ source: 'TRANSIT', failure: 'UNAVAILABLE' });
    expect(seen).toHaveLength(3);
    seen.length = 0;
    await expect(client.topUp(topUp)).rejects.toMatchObject({ source: 'TRANSIT', failure: 'UNAVAILABLE' });
    expect(seen).toHaveLength(1);
  });

  it('refuses a top-up without sending it while the circuit is open', async () => {
    const policy = createBureauPolicy('TRANSIT', { retry: false, breaker: { consecutiveFailures: 1 } });
    const client = createTransitClient({ baseUrl, keys, callPolicy: policy });
    await expect(client.getTopUp('T-1')).rejects.toMatchObject({ failure: 'UNAVAILABLE' });
    expect(policy.circuitState()).toBe('open');
    seen.length = 0;
    await expect(client.topUp(topUp)).rejects.toThrow('circuit open');
    expect(seen).toEqual([]);
  });
});
