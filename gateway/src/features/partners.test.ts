import { readFileSync } from 'node:fs';
import { ConfigError } from '../config';
import { DEV_PARTNERS_FILE, bearerKeyHash, loadPartnersFile, parsePartners } from './partners';

const devFile = (): Record<string, unknown> => JSON.parse(readFileSync(DEV_PARTNERS_FILE, 'utf8')) as Record<string, unknown>;

function partner(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'p-one', auth: { hmacSecret: { env: 'P_ONE_SECRET' } }, scopes: ['identity:read'], purposes: ['BENEFIT_SERVICE'],
    priorityClass: 'standard', rateLimit: { perSecond: 1, burst: 2 }, costBudget: 100, ...overrides,
  };
}

describe('the partners file', () => {
  it('ships the development partners with the scopes, purposes and secrets the issue lists', () => {
    const registry = loadPartnersFile(DEV_PARTNERS_FILE, { production: false, env: {} });
    const demo = registry.byId('demo-app')!;
    expect([...demo.scopes].sort()).toEqual(['balance:read', 'eligibility:read', 'identity:read', 'medical:read', 'subsidy:read', 'transit:read']);
    expect(demo.hmacSecret?.toString()).toBe('demo-app-dev-secret');
    expect(registry.byId('counter-full')!.scopes.size).toBe(10);
    expect(registry.byId('counter-full')!.hmacSecret?.toString()).toBe('counter-full-dev-secret');
    const transit = registry.byId('transit-interconnect')!;
    expect(transit.mtls).toBe(true);
    expect(transit.hmacSecret?.toString()).toBe('transit-dev-secret');
    expect([...transit.scopes].sort()).toEqual(['eligibility:read', 'transit:read', 'transit:topup']);
    const analytics = registry.byBearerKeySm3(bearerKeyHash('analytics-dev-key'))!;
    expect(analytics.id).toBe('analytics');
    expect([...analytics.scopes].sort()).toEqual(['analytics:read', 'balance:read', 'eligibility:read', 'subsidy:read']);
    expect([...analytics.purposes].sort()).toEqual(['BENEFIT_SERVICE', 'STATISTICS']);
    for (const p of registry.all()) {
      expect(p.purposes.has('BENEFIT_SERVICE')).toBe(true);
      expect(p.rateLimit.perSecond).toBeGreaterThan(0);
      expect(p.costBudget).toBeGreaterThan(0);
    }
  });

  it('is refused when NODE_ENV=production', () => {
    expect(() => loadPartnersFile(DEV_PARTNERS_FILE, { production: true, env: {} })).toThrow(/development partners file.*production/);
  });

  it('allows literal secrets only in a development file; otherwise environment or file references', () => {
    const literal = { formatVersion: 1, partners: [partner({ auth: { hmacSecret: { value: 'a-literal-secret-value' } } })] };
    expect(() => parsePartners(literal, { production: false, env: {} })).toThrow(/literal secret values are allowed only in a development/);
    const fromEnv = parsePartners({ formatVersion: 1, partners: [partner({})] }, { production: true, env: { P_ONE_SECRET: 'from-the-environment-1' } });
    expect(fromEnv.byId('p-one')!.hmacSecret?.toString()).toBe('from-the-environment-1');
    expect(() => parsePartners({ formatVersion: 1, partners: [partner({})] }, { production: true, env: {} })).toThrow(/P_ONE_SECRET, which is not set/);
  });

  it('names the partner and key at fault', () => {
    const bad = (overrides: Record<string, unknown>): (() => unknown) => () =>
      parsePartners({ formatVersion: 1, partners: [partner(overrides)] }, { production: false, env: { P_ONE_SECRET: 'from-the-environment-1' } });
    expect(bad({ scopes: ['identity:read', 'everything'] })).toThrow(new ConfigError('partner p-one: unknown scopes everything'));
    expect(bad({ purposes: [] })).toThrow(/partner p-one: purposes/);
    expect(bad({ auth: {} })).toThrow(/partner p-one: auth must allow/);
    expect(bad({ auth: { bearerKeySm3: 'plain-text-key' } })).toThrow(/bearerKeySm3 must be 64/);
    expect(bad({ priorityClass: 'vip' })).toThrow(/priorityClass/);
    expect(bad({ rateLimit: { perSecond: 0, burst: 1 } })).toThrow(/rateLimit.perSecond/);
    const twice = { formatVersion: 1, development: true, partners: [devFile().partners, devFile().partners].flat() };
    expect(() => parsePartners(twice, { production: false, env: {} })).toThrow(/listed twice/);
  });
});
