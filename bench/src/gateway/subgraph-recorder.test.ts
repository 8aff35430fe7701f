import { dependenciesOf, type TimedCall } from './subgraph-recorder';

const call = (url: string, startedAt: number, endedAt: number): TimedCall => ({ url, body: `{"from":"${url}"}`, startedAt, endedAt });

describe('recorded plan order', () => {
  it('makes a call wait only for the calls answered before it arrived', () => {
    // civil first; then medical and finance in parallel; then civil again once medical is back
    // (a Sequence inside a Parallel), while finance is still running.
    const recorded = dependenciesOf([call('civil', 0, 10), call('finance', 12, 40), call('medical', 11, 20), call('civil-2', 21, 30)]);
    expect(recorded.calls.map((c) => [c.url, c.after])).toEqual([
      ['civil', []],
      ['medical', [0]],
      ['finance', [0]],
      ['civil-2', [0, 1]],
    ]);
  });

  it('keeps each call body as sent', () => {
    expect(dependenciesOf([call('civil', 0, 1)]).calls[0]?.body).toBe('{"from":"civil"}');
  });
});
