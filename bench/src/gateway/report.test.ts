import type { LoadResult } from './load';
import { pairedRatio, ratiosOf, type ResultRow } from './report';

function round(requestsPerSecond: number): LoadResult {
  return {
    requests: requestsPerSecond * 5, sent: requestsPerSecond * 5, durationS: 5, requestsPerSecond,
    p50Ms: 10, p99Ms: 20, non2xx: 0, socketErrors: 0, graphqlErrors: 0, signedDuringRun: 0,
  };
}

function row(contender: ResultRow['contender'], rates: number[], cpuMs = { gateway: 1000, upstream: 1000 }): ResultRow {
  return { contender, query: 'Q1', rounds: rates.map(round), gatewayCpuMs: cpuMs.gateway, upstreamCpuMs: cpuMs.upstream };
}

describe('the access layer ratio', () => {
  it('pairs each round of (e) with the (d) round beside it, and takes the median of those ratios', () => {
    // The machine's speed moves between rounds: the pairs are 0.45, 0.9 and 0.9, while the
    // medians of each side (800 and 450) come from different rounds.
    const d = row('d', [1000, 500, 800]);
    const e = row('e', [450, 450, 720]);
    expect(pairedRatio(e, d)).toBeCloseTo(0.9);
    const [q1] = ratiosOf([d, e]);
    expect(q1?.eOverD).toBeCloseTo(450 / 800);
    expect(q1?.eOverDPaired).toBeCloseTo(0.9);
  });

  it('averages the middle two of an even number of rounds, and is null without both rows', () => {
    expect(pairedRatio(row('e', [80, 90, 70, 60]), row('d', [100, 100, 100, 100]))).toBeCloseTo(0.75);
    expect(pairedRatio(undefined, row('d', [100]))).toBeNull();
    expect(pairedRatio(row('e', [1]), row('d', [0]))).toBeNull();
  });

  it('predicts the req/s ratio from both sides\' gateway + upstream CPU per request', () => {
    // 500 requests each: (d) 1.0 + 1.0 ms, (e) 1.5 + 1.0 ms per request.
    const d = row('d', [100], { gateway: 500, upstream: 500 });
    const e = row('e', [100], { gateway: 750, upstream: 500 });
    expect(ratiosOf([d, e])[0]?.cpuPredictedEOverD).toBeCloseTo(2 / 2.5);
    expect(ratiosOf([d])[0]?.cpuPredictedEOverD).toBeNull();
  });
});
