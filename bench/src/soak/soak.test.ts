/** The soak in miniature: a few seconds, one flap, every figure of the report present. */
import { soakFigures, soakMarkdown } from './report';
import { phaseAt, runSoak, DEFAULT_SOAK } from './soak';
import { slopePerMinute } from './memory';

it('places requests in the flap cycle', () => {
  const o = { ...DEFAULT_SOAK, startUpMs: 1000, flapPeriodMs: 1000, flapDownMs: 300, recoveringMs: 200 };
  expect([500, 1000, 1299, 1300, 1499, 1500, 2000].map((t) => phaseAt(t, o))).toEqual(['start-up', 'bureau down', 'bureau down', 'recovering', 'recovering', 'steady', 'bureau down']);
});

it('measures the memory trend per minute', () => {
  expect(slopePerMinute([{ at: 0 }, { at: 60_000 }, { at: 120_000 }], (s) => 10 + 2 * (s.at / 60_000))).toBeCloseTo(2);
  expect(slopePerMinute([{ at: 0 }], () => 1)).toBe(0);
});

it('runs the stack under load while a bureau flaps, and reports it', async () => {
  const result = await runSoak({
    durationMs: 7000, startUpMs: 2000, memoryWarmUpMs: 3000, ratePerSecond: 10, flapPeriodMs: 3000, flapDownMs: 1500, recoveringMs: 500, memoryEveryMs: 1000,
    populationSize: 200, mqttUrl: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
  });
  const figures = soakFigures(result);
  expect(result.samples.length).toBeGreaterThan(50);
  expect(figures.statuses.get(200)).toBe(result.samples.length);
  // While the medical bureau was down: its fields failed or came stale, nothing else.
  const down = result.samples.filter((s) => s.phase === 'bureau down');
  expect(down.length).toBeGreaterThan(0);
  expect(down.every((s) => s.codes.every((code) => code === 'UPSTREAM_UNAVAILABLE' || code === 'UPSTREAM_TIMEOUT'))).toBe(true);
  expect(result.memory.length).toBeGreaterThanOrEqual(5);
  expect(Number.isFinite(soakFigures(result).heapSlopeMbPerMin)).toBe(true);
  expect(soakMarkdown(result, { command: 'test', loadBefore: [0, 0, 0], gcExposed: false })).toContain('| bureau down |');
}, 60_000);
