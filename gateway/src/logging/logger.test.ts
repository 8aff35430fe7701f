import { generatePopulation } from '@huimin/sandbox';
import { createLogger } from './logger';
import { REDACTED, redact, redactText } from './redact';

function capture(): { lines: string[]; write: (line: string) => void } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line) };
}

describe('log redaction', () => {
  // Real-shaped personal data from the project's generator, not hand-typed.
  const people = generatePopulation({ size: 30, seed: 7 }).civilAffairs;

  it('never writes an ID number, name or phone from the population, whatever the field or message', () => {
    const { lines, write } = capture();
    const log = createLogger({ write });
    for (const person of people) {
      log.info(`lookup of ${person.idNumber} (${person.name}) tel ${person.phone ?? ''}`, {
        idNumber: person.idNumber,
        citizen: { name: person.name, phone: person.phone, district: person.district },
        note: `called +86 ${person.phone ?? ''} about ${person.name}`,
        path: `/graphql?id=${person.idNumber}`,
        values: [person.idNumber, person.name],
      });
    }
    const text = lines.join('');
    for (const person of people) {
      expect(text).not.toContain(person.idNumber);
      expect(text).not.toContain(person.name);
      if (person.phone) expect(text).not.toContain(person.phone);
    }
    // What is not personal survives.
    expect(text).toContain(people[0]!.district);
  });

  it('drops secrets, signatures and authorization headers', () => {
    const { lines, write } = capture();
    const log = createLogger({ write });
    log.warn('refused Bearer analytics-dev-key at /graphql?signature=abcdef0123&x=1', {
      headers: {
        authorization: 'Bearer analytics-dev-key',
        'x-huimin-signature': 'ab'.repeat(32),
        'x-huimin-partner': 'demo-app',
        cookie: 'session=1',
      },
      partner: { hmacSecret: 'demo-app-dev-secret', secretHash: 'x', apiKey: 'k', privateKey: '-----BEGIN' },
    });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    const text = lines[0]!;
    for (const secret of ['analytics-dev-key', 'ab'.repeat(32), 'demo-app-dev-secret', 'abcdef0123', 'session=1', '-----BEGIN']) {
      expect(text).not.toContain(secret);
    }
    expect(line).toMatchObject({ level: 'warn', headers: { 'x-huimin-partner': 'demo-app', authorization: REDACTED } });
  });

  it('leaves hashes, request ids and timestamps alone', () => {
    const hash = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f01381';
    const fields = { operationHash: hash, requestId: '3f6c1a52-1b2e-4d7a-9b1c-13812345678a', at: 1795304739409 };
    expect(redact(fields)).toEqual(fields);
    expect(redactText('13812345678')).toBe('[PHONE]');
    expect(redactText('ID 11010519491231002X.')).toBe('ID [ID].');
  });

  it('filters by level, adds child fields and cuts cycles', () => {
    const { lines, write } = capture();
    const log = createLogger({ write, level: 'warn', clock: () => new Date(0) }).child({ component: 'audit' });
    log.info('hidden');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    log.error('shown', { cyclic });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'error', msg: 'shown', component: 'audit', cyclic: { a: 1, self: '[…]' } });
  });
});
