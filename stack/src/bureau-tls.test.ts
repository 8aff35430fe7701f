/**
 * The bureaus over real HTTPS with the development CA's certificates, and the adapters verifying
 * them: a bureau whose certificate is not from the CA the adapter trusts is UPSTREAM UNAVAILABLE
 * with a message that says TLS verification failed and nothing more.
 */
import { UpstreamError, createFinanceClient, type FinanceClient } from '@huimin/adapters';
import { createDevMaterial, serverIdentity, type DevMaterial } from '@huimin/certs';
import { createFinanceStore, startFinanceBureau, type RunningBureau } from '@huimin/sandbox';

describe('bureaus over HTTPS', () => {
  let material: DevMaterial;
  let impostor: DevMaterial;
  let bureau: RunningBureau;
  let impostorBureau: RunningBureau;
  let plainBureau: RunningBureau;

  beforeAll(async () => {
    [material, impostor] = await Promise.all([
      createDevMaterial({ servers: ['bureau-finance'], partners: [] }),
      createDevMaterial({ servers: ['bureau-finance'], partners: [] }),
    ]);
    const store = createFinanceStore([]);
    const keys = material.keys.server.finance;
    bureau = await startFinanceBureau({ store, keys, tls: serverIdentity(material, 'bureau-finance') });
    // Same protocol keys, but a certificate from another CA: only TLS can tell it apart.
    impostorBureau = await startFinanceBureau({ store, keys, tls: serverIdentity(impostor, 'bureau-finance') });
    plainBureau = await startFinanceBureau({ store, keys });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([bureau.close(), impostorBureau.close(), plainBureau.close()]);
  });

  const client = (baseUrl: string, ca?: string): FinanceClient =>
    createFinanceClient({ baseUrl, keys: material.keys.client.finance, ...(ca ? { tls: { ca } } : {}) });

  it('serves HTTPS that an adapter trusting the development CA reaches', async () => {
    expect(bureau.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const programs = await client(bureau.url, material.caCertPem).listPrograms();
    expect(programs.length).toBeGreaterThan(0);
  });

  it('refuses a bureau certificate from another CA, saying only that TLS verification failed', async () => {
    const failure = await client(impostorBureau.url, material.caCertPem).listPrograms().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ source: 'FINANCE', failure: 'UNAVAILABLE', partnerCode: 'UPSTREAM_UNAVAILABLE' });
    expect((failure as Error).message).toBe('bureau TLS verification failed: certificate not issued by a trusted CA');
    expect(impostorBureau.stats()).toEqual({});
  });

  it('refuses the development certificate under the system roots alone', async () => {
    await expect(client(bureau.url).listPrograms()).rejects.toMatchObject({
      failure: 'UNAVAILABLE',
      message: expect.stringContaining('TLS verification failed') as unknown,
    });
  });

  it('tells a TLS handshake with a plain-HTTP bureau from an unreachable one', async () => {
    await expect(client(plainBureau.url.replace('http:', 'https:'), material.caCertPem).listPrograms()).rejects.toMatchObject({
      failure: 'UNAVAILABLE',
      message: 'bureau TLS handshake failed',
    });
  });

  it('keeps plain HTTP for unit tests that give no TLS identity', async () => {
    expect(plainBureau.url).toMatch(/^http:\/\//);
    await expect(client(plainBureau.url).listPrograms()).resolves.not.toHaveLength(0);
  });
});
