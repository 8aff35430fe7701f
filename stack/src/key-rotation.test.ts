/**
 * Key rotation under load, from the files `npm run certs` writes: per bureau, 200 concurrent
 * batch calls through the real HTTPS bureau and client while the bureau and then the client
 * switch from the previous key to the current one (the rollout in @huimin/adapters
 * keys/key-sets.ts). None may fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCivilAffairsClient,
  createFinanceClient,
  createMedicalInsuranceClient,
  createTransitClient,
  loadClientKeys,
  loadServerKeys,
  type ClientKeySet,
  type SendWith,
  type ServerKeySet,
} from '@huimin/adapters';
import { generateDevMaterial, loadDevMaterial, serverIdentity, type DevMaterial } from '@huimin/certs';
import {
  createSandboxStores,
  generatePopulation,
  startCivilAffairsBureau,
  startFinanceBureau,
  startMedicalInsuranceBureau,
  startTransitBureau,
  type RunningBureau,
  type SandboxStores,
} from '@huimin/sandbox';

const CALLS = 200;
const KEYS_PER_CALL = 5;
type Bureau = 'civilAffairs' | 'medicalInsurance' | 'finance' | 'transit';

/** Which key each side sends with, switched while calls are in flight; counts each side's reads. */
class Rollout {
  bureauSendsWith: SendWith = 'previous';
  clientSendsWith: SendWith = 'previous';
  readonly reads = { bureau: { previous: 0, current: 0 }, client: { previous: 0, current: 0 } };

  constructor(
    private readonly server: Record<SendWith, ServerKeySet>,
    private readonly client: Record<SendWith, ClientKeySet>,
  ) {}

  bureauKeys<B extends Bureau>(bureau: B): () => ServerKeySet[B] {
    return () => {
      this.reads.bureau[this.bureauSendsWith] += 1;
      return this.server[this.bureauSendsWith][bureau];
    };
  }

  clientKeys<B extends Bureau>(bureau: B): () => ClientKeySet[B] {
    return () => {
      this.reads.client[this.clientSendsWith] += 1;
      return this.client[this.clientSendsWith][bureau];
    };
  }
}

/**
 * Starts the calls in three waves: the bureau switches once the first answer of wave one is in
 * (the rest of it still in flight), the client once the first answer of wave two is in.
 */
async function callsUnderRotation(rollout: Rollout, call: (i: number) => Promise<{ items: unknown[] }>) {
  let inFlight = 0;
  const inFlightAtSwitch: number[] = [];
  const launch = (from: number, to: number): Array<Promise<{ items: unknown[] }>> =>
    Array.from({ length: to - from }, (_, k) => {
      inFlight += 1;
      return call(from + k).finally(() => (inFlight -= 1));
    });
  const third = Math.floor(CALLS / 3);
  const first = launch(0, third);
  await Promise.race(first);
  inFlightAtSwitch.push(inFlight);
  rollout.bureauSendsWith = 'current';
  const second = launch(third, 2 * third);
  await Promise.race(second);
  inFlightAtSwitch.push(inFlight);
  rollout.clientSendsWith = 'current';
  const third_ = launch(2 * third, CALLS);
  const results = await Promise.allSettled([...first, ...second, ...third_]);
  return { results, inFlightAtSwitch };
}

describe('key rotation while requests are in flight', () => {
  let dir: string;
  let material: DevMaterial;
  let stores: SandboxStores;
  let idNumbers: string[];
  let cardNos: string[];
  const bureaus: RunningBureau[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'huimin-rotation-'));
    await generateDevMaterial(dir);
    material = loadDevMaterial(dir);
    const population = generatePopulation({ size: 300, seed: 11 });
    stores = createSandboxStores(population);
    idNumbers = population.civilAffairs.map((person) => person.idNumber);
    cardNos = population.transit.cards.map((card) => card.cardNo);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(bureaus.map((bureau) => bureau.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const rollout = (): Rollout =>
    new Rollout(
      { previous: loadServerKeys({ dir, sendWith: 'previous' }), current: loadServerKeys({ dir, sendWith: 'current' }) },
      { previous: loadClientKeys({ dir, sendWith: 'previous' }), current: loadClientKeys({ dir, sendWith: 'current' }) },
    );
  const keysFor = <T>(keys: readonly T[], i: number): T[] => Array.from({ length: KEYS_PER_CALL }, (_, k) => keys[(i * KEYS_PER_CALL + k) % keys.length] as T);
  const started = (bureau: RunningBureau): RunningBureau => (bureaus.push(bureau), bureau);

  async function expectNoneLost(r: Rollout, bureau: RunningBureau, call: (i: number) => Promise<{ items: unknown[] }>): Promise<void> {
    const { results, inFlightAtSwitch } = await callsUnderRotation(r, call);
    const failures = results.filter((result) => result.status === 'rejected');
    expect(failures.map((failure) => String(failure.reason))).toEqual([]);
    for (const result of results) if (result.status === 'fulfilled') expect(result.value.items).toHaveLength(KEYS_PER_CALL);
    // The switches happened with calls in flight, and both sides really used both keys.
    expect(inFlightAtSwitch.every((n) => n > 0)).toBe(true);
    expect(r.reads.bureau.previous).toBeGreaterThan(0);
    expect(r.reads.bureau.current).toBeGreaterThan(0);
    expect(r.reads.client.previous).toBeGreaterThan(0);
    expect(r.reads.client.current).toBeGreaterThan(0);
    expect(Object.values(bureau.stats()).reduce((sum, stat) => sum + stat.calls, 0)).toBe(CALLS);
  }

  it('civil affairs (RSA-PSS, OAEP-wrapped AES-GCM): loses no call', async () => {
    const r = rollout();
    const bureau = started(await startCivilAffairsBureau({ store: stores.civilAffairs, keys: r.bureauKeys('civilAffairs'), tls: serverIdentity(material, 'bureau-civil-affairs') }));
    const client = createCivilAffairsClient({ baseUrl: bureau.url, keys: r.clientKeys('civilAffairs'), tls: { ca: material.caCertPem }, timeoutMs: 20_000 });
    await expectNoneLost(r, bureau, (i) => client.getPersons(keysFor(idNumbers, i)));
  }, 60_000);

  it('medical insurance (SM4-ECB, SM2, app secret): loses no call', async () => {
    const r = rollout();
    const bureau = started(await startMedicalInsuranceBureau({ store: stores.medicalInsurance, keys: r.bureauKeys('medicalInsurance'), tls: serverIdentity(material, 'bureau-medical-insurance') }));
    const client = createMedicalInsuranceClient({ baseUrl: bureau.url, keys: r.clientKeys('medicalInsurance'), tls: { ca: material.caCertPem }, timeoutMs: 20_000 });
    await expectNoneLost(r, bureau, (i) => client.getInsuredPersons(keysFor(idNumbers, i)));
  }, 60_000);

  it('finance (SM4-CBC data keys, SM2): loses no call', async () => {
    const r = rollout();
    const bureau = started(await startFinanceBureau({ store: stores.finance, keys: r.bureauKeys('finance'), tls: serverIdentity(material, 'bureau-finance') }));
    const client = createFinanceClient({ baseUrl: bureau.url, keys: r.clientKeys('finance'), tls: { ca: material.caCertPem }, timeoutMs: 20_000 });
    await expectNoneLost(r, bureau, (i) => client.queryDisbursements(keysFor(idNumbers, i)));
  }, 60_000);

  it('transit (AES-256-GCM data keys, HMAC secrets): loses no call', async () => {
    const r = rollout();
    const bureau = started(await startTransitBureau({ store: stores.transit, keys: r.bureauKeys('transit'), tls: serverIdentity(material, 'bureau-transit') }));
    const client = createTransitClient({ baseUrl: bureau.url, keys: r.clientKeys('transit'), tls: { ca: material.caCertPem }, timeoutMs: 20_000 });
    await expectNoneLost(r, bureau, (i) => client.queryCards(keysFor(cardNos, i)));
  }, 60_000);
});
