/** Audit entries for tests: shaped like the gateway's, with made-up pseudonymous ids. */
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit-record';

export function sampleEntry(i: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    requestId: randomUUID(),
    partnerId: i % 2 === 0 ? 'demo-app' : 'counter-full',
    purpose: 'BENEFIT_SERVICE',
    operationName: `Op${i}`,
    operationHash: `${i}`.padStart(64, 'a'),
    citizenIds: [`citizen-${i % 5}`, `citizen-${(i + 1) % 5}`].sort(),
    fields: ['Citizen.id', 'Citizen.identity', 'CitizenIdentity.name'],
    outcome: 'SERVED',
    errorCodes: [],
    latencyMs: 10 + i,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    ...overrides,
  };
}
