import { SampleLog } from './sample-log';

describe('the soak sample log', () => {
  it('gives back what it was given, in order, and counts what did not fit', () => {
    const log = new SampleLog(3);
    const samples = [
      { at: 1.5, latencyMs: 12.25, status: 200, stale: 0, phase: 'start-up', codes: [] },
      { at: 2, latencyMs: 40.5, status: 200, stale: 2, phase: 'bureau down', codes: ['UPSTREAM_UNAVAILABLE', 'SOURCE_UNAVAILABLE'] },
      { at: 3, latencyMs: 9, status: 503, stale: 0, phase: 'start-up', codes: ['OVERLOADED'] },
    ];
    for (const sample of samples) log.add(sample);
    log.add({ at: 4, latencyMs: 1, status: 200, stale: 0, phase: 'steady', codes: [] });
    expect(log.toSamples()).toEqual(samples);
    expect(log.droppedCount()).toBe(1);
  });
});
