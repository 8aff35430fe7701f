import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestRejected } from '../http/graphql-http';
import type { GatewayContext } from '../pipeline';
import { setDeadline } from './deadline';
import { useOverloadProtection } from './overload';
import { AdmissionQueue, Shed, type Release } from './overload-queue';
import { setPartner, type AuthenticatedPartner, type PriorityClass } from './partner-context';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AdmissionQueue', () => {
  it('runs up to the limit, queues the rest and admits the highest priority first', async () => {
    const queue = new AdmissionQueue({ maxConcurrent: 1, maxQueue: 3 });
    const first = await queue.admit(1, 1000);
    const order: string[] = [];
    const admitted = (name: string) => (release: Release): Release => {
      order.push(name);
      return release;
    };
    const analytics = queue.admit(2, 1000).then(admitted('analytics'));
    const standard = queue.admit(1, 1000).then(admitted('standard'));
    const counter = queue.admit(0, 1000).then(admitted('counter'));
    expect(queue.queued).toBe(3);
    first();
    (await counter)();
    (await standard)();
    (await analytics)();
    expect(order).toEqual(['counter', 'standard', 'analytics']);
    expect(queue.inFlight).toBe(0);
  });

  it('when full, a higher class displaces the newest lower waiter; with none lower, the arrival is shed', async () => {
    const queue = new AdmissionQueue({ maxConcurrent: 1, maxQueue: 2 });
    const running = await queue.admit(0, 1000);
    const analyticsA = queue.admit(2, 1000);
    const analyticsB = queue.admit(2, 1000);
    const counter = queue.admit(0, 1000);
    await expect(analyticsB).rejects.toEqual(new Shed('displaced'));
    await expect(queue.admit(2, 1000)).rejects.toEqual(new Shed('queue-full'));
    running();
    (await counter)();
    await settle();
    (await analyticsA)();
  });

  it('sheds a waiter whose wait runs out, and never admits a released slot twice', async () => {
    const queue = new AdmissionQueue({ maxConcurrent: 1, maxQueue: 5 });
    const running = await queue.admit(1, 1000);
    await expect(queue.admit(1, 20)).rejects.toEqual(new Shed('waited-too-long'));
    await expect(queue.admit(1, 0)).rejects.toEqual(new Shed('waited-too-long'));
    expect(queue.queued).toBe(0);
    running();
    running();
    expect(queue.inFlight).toBe(0);
  });
});

describe('useOverloadProtection', () => {
  function request(priorityClass: PriorityClass | null, deadlineInMs?: number): GatewayContext {
    const context: GatewayContext = { requestId: randomUUID(), receivedAt: Date.now(), http: { req: {} as IncomingMessage, rawBody: Buffer.alloc(0) } };
    if (priorityClass) setPartner(context, { id: 'p', priorityClass } as AuthenticatedPartner);
    if (deadlineInMs !== undefined) setDeadline(context, Date.now() + deadlineInMs);
    return context;
  }

  async function refusalOf(check: Promise<void>): Promise<RequestRejected> {
    try {
      await check;
    } catch (error) {
      if (error instanceof RequestRejected) return error;
      throw error;
    }
    throw new Error('expected a refusal');
  }

  it('answers a shed request 503 OVERLOADED with Retry-After, longer for lower classes', async () => {
    const guard = useOverloadProtection({ maxConcurrent: 1, maxQueue: 0, maxQueueWaitMs: 1000 });
    const running = request('counter');
    await guard.check(running);
    const analytics = await refusalOf(guard.check(request('analytics')) as Promise<void>);
    expect(analytics).toMatchObject({ status: 503, code: 'OVERLOADED', extra: { headers: { 'retry-after': '5' } } });
    const counter = await refusalOf(guard.check(request('counter')) as Promise<void>);
    expect(counter.extra.headers).toEqual({ 'retry-after': '1' });
    guard.done?.(running);
    guard.done?.(running);
    expect(guard.load()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('does not queue a request past what its deadline allows', async () => {
    const guard = useOverloadProtection({ maxConcurrent: 1, maxQueue: 10, maxQueueWaitMs: 10_000 });
    const running = request(null);
    await guard.check(running);
    const started = Date.now();
    await refusalOf(guard.check(request('standard', 400)) as Promise<void>);
    expect(Date.now() - started).toBeLessThan(400);
    guard.done?.(running);
  });

  it('gives the slot to a waiter when a request is done; done without check is harmless', async () => {
    const guard = useOverloadProtection({ maxConcurrent: 1, maxQueue: 10, maxQueueWaitMs: 5000 });
    const running = request('standard');
    await guard.check(running);
    const waiting = request('standard');
    const admitted = guard.check(waiting);
    guard.done?.(request('counter'));
    expect(guard.load()).toEqual({ inFlight: 1, queued: 1 });
    guard.done?.(running);
    await admitted;
    guard.done?.(waiting);
    expect(guard.load()).toEqual({ inFlight: 0, queued: 0 });
  });
});
