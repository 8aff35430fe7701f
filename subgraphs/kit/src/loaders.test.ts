import { UpstreamError, type BatchAnswer } from '@huimin/adapters';
import { createStampedLoader, isUpstreamFailure, loadStamped } from './loaders';

describe('createStampedLoader', () => {
  it('batches keys into one call and stamps each record with the answer asOf', async () => {
    const calls: string[][] = [];
    const loader = createStampedLoader(async (keys): Promise<BatchAnswer<string>> => {
      calls.push([...keys]);
      return { asOf: '2026-11-01T00:00:00+08:00', items: keys.map((k) => (k === 'missing' ? null : k.toUpperCase())) };
    });
    const answers = await Promise.all(['a', 'b', 'missing', 'a'].map((k) => loader.load(k)));
    expect(calls).toEqual([['a', 'b', 'missing']]);
    expect(answers[0]).toEqual({ asOf: '2026-11-01T00:00:00+08:00', record: 'A' });
    expect(answers[2]).toEqual({ asOf: '2026-11-01T00:00:00+08:00', record: null });
  });

  it('splits above 200 keys', async () => {
    const sizes: number[] = [];
    const loader = createStampedLoader(async (keys): Promise<BatchAnswer<string>> => {
      sizes.push(keys.length);
      return { asOf: 'x', items: [...keys] };
    });
    await loader.loadMany(Array.from({ length: 450 }, (_, i) => String(i)));
    expect(sizes).toEqual([200, 200, 50]);
  });

  it('rejects every key with the mapped upstream error', async () => {
    const loader = createStampedLoader<string>(async () => {
      throw new UpstreamError('MEDICAL_INSURANCE', 'TIMEOUT', 'slow');
    });
    const failure = loadStamped(loader, 'a');
    await expect(failure).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_TIMEOUT', source: 'MEDICAL_INSURANCE' } });
    expect(isUpstreamFailure(await failure.catch((e: unknown) => e))).toBe(true);
    expect(isUpstreamFailure(new Error('bug'))).toBe(false);
  });
});
