/**
 * Malformed and hostile protocol messages for the sandbox bureaus, drawn with fast-check from a
 * seed: junk bodies, wrong paths and methods, a correctly sealed envelope with one thing spoilt
 * (a field deleted, retyped, replaced with junk, a character flipped, a stale timestamp, a
 * replayed nonce), and correctly sealed envelopes around hostile payloads (wrong types, more
 * than 200 keys, huge and unicode strings) — so every layer of each bureau gets its turn.
 */
import fc from 'fast-check';
import {
  CIVIL_PERSONS_BATCH_PATH,
  TRANSIT_CARDS_BY_OWNER_PATH,
  TRANSIT_CARDS_QUERY_PATH,
  financePath,
  medicalPath,
  sealFinanceRequest,
  sealMedicalRequest,
  sealTransitRequest,
  signCivilRequest,
} from '@huimin/adapters';
import type { DevMaterial } from '@huimin/certs';
import type { BureauName } from './fault-control';

export interface ProtocolMessage {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

type ClientKeys = DevMaterial['keys']['client'];

/** A well-formed, correctly sealed request to the bureau's batch operation, carrying `payload`. */
function sealed(bureau: BureauName, keys: ClientKeys, payload: unknown, nowMs: number): ProtocolMessage {
  switch (bureau) {
    case 'finance':
      return { kind: 'sealed', method: 'POST', path: financePath('disbursements.query'), headers: {}, body: JSON.stringify(sealFinanceRequest(keys.finance, payload as object, { clock: () => nowMs })) };
    case 'medicalInsurance':
      return { kind: 'sealed', method: 'POST', path: medicalPath('1101'), headers: {}, body: JSON.stringify(sealMedicalRequest(keys.medicalInsurance, payload as object, { clock: () => nowMs })) };
    case 'civilAffairs': {
      const body = JSON.stringify(payload);
      const { headers } = signCivilRequest({ method: 'POST', path: CIVIL_PERSONS_BATCH_PATH, body, keys: keys.civilAffairs, nowMs });
      return { kind: 'sealed', method: 'POST', path: CIVIL_PERSONS_BATCH_PATH, headers, body };
    }
    case 'transit': {
      const { headers, body } = sealTransitRequest({ payload, keys: keys.transit, nowMs });
      return { kind: 'sealed', method: 'POST', path: TRANSIT_CARDS_QUERY_PATH, headers, body };
    }
  }
}

const junkText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constantFrom('', '\u0000', '\ud800', '{', 'null', '"', '😀'.repeat(40)));

/** What a batch request may hold instead of its keys. */
const hostilePayload = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 2 }).map((keys) => ({ idNumbers: keys, cardNos: keys })),
  fc.array(fc.oneof(fc.string({ maxLength: 40 }), junkText, fc.integer()), { maxLength: 40 }).map((keys) => ({ idNumbers: keys, cardNos: keys })),
  fc.integer({ min: 201, max: 1200 }).map((n) => ({ idNumbers: Array.from({ length: n }, () => '110101199003070010'), cardNos: Array.from({ length: n }, () => '6222021234567890') })),
  fc.integer({ min: 1000, max: 100_000 }).map((n) => ({ idNumbers: ['1'.repeat(n)], cardNos: ['2'.repeat(n)] })),
);

/** One way to spoil a message that was correct. */
function spoil(message: ProtocolMessage, how: { where: 'body' | 'header'; action: 'delete' | 'retype' | 'junk' | 'flip' | 'stale'; pick: number; value: unknown; text: string }): ProtocolMessage {
  if (how.where === 'header' && Object.keys(message.headers).length > 0) {
    const names = Object.keys(message.headers);
    const name = names[how.pick % names.length]!;
    const headers = { ...message.headers };
    if (how.action === 'delete') delete headers[name];
    else if (how.action === 'stale') headers[name] = String(Date.now() - 3_600_000);
    else if (how.action === 'flip') headers[name] = (headers[name] ?? '').replace(/[0-9A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'));
    else headers[name] = how.text.replace(/[^\x20-\x7e]/g, '?');
    return { ...message, kind: `spoilt header ${how.action}`, headers };
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(message.body);
  } catch {
    envelope = null;
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    const at = how.pick % Math.max(1, message.body.length);
    return { ...message, kind: 'spoilt body flip', body: message.body.slice(0, at) + how.text.slice(0, 3) + message.body.slice(at + 1) };
  }
  const fields = envelope as Record<string, unknown>;
  const keys = Object.keys(fields);
  const key = keys[how.pick % keys.length]!;
  const value = fields[key];
  if (how.action === 'delete') delete fields[key];
  else if (how.action === 'retype') fields[key] = how.value;
  else if (how.action === 'stale') fields[key] = typeof value === 'number' ? value - 3_600_000 : how.value;
  else if (how.action === 'flip' && typeof value === 'string') fields[key] = value.replace(/[0-9A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'));
  else fields[key] = how.text;
  return { ...message, kind: `spoilt ${key} ${how.action}`, body: JSON.stringify(fields) };
}

const spoiling = fc.record({
  where: fc.constantFrom<'body' | 'header'>('body', 'body', 'header'),
  action: fc.constantFrom<'delete' | 'retype' | 'junk' | 'flip' | 'stale'>('delete', 'retype', 'junk', 'flip', 'stale'),
  pick: fc.nat(),
  value: fc.jsonValue({ maxDepth: 2 }),
  text: junkText,
});

const PATHS: Record<BureauName, string[]> = {
  finance: [financePath('disbursements.query'), financePath('programs.list'), '/api/v1/../v1/programs.list', '/api/v2/x'],
  medicalInsurance: [medicalPath('1101'), '/api/1102', '/api/', '/api/1101/..'],
  civilAffairs: [CIVIL_PERSONS_BATCH_PATH, '/exports/daily?date=2026-13-45', '/exports/daily?date=', '/persons'],
  transit: [TRANSIT_CARDS_QUERY_PATH, TRANSIT_CARDS_BY_OWNER_PATH, '/topups/%2e%2e', '/topups/x'.padEnd(120, 'y')],
};

/** `count` hostile messages for one bureau, the same for the same seed. Sealed ones are made now. */
export function hostileMessages(bureau: BureauName, keys: ClientKeys, count: number, seed: number): ProtocolMessage[] {
  const shapes = fc.oneof(
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...PATHS[bureau]), fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'), junkText).map(([path, method, body]) => ({ type: 'raw' as const, path, method, body })) },
    { weight: 3, arbitrary: spoiling.map((how) => ({ type: 'spoilt' as const, how })) },
    { weight: 2, arbitrary: hostilePayload.map((payload) => ({ type: 'payload' as const, payload })) },
    { weight: 1, arbitrary: fc.constant({ type: 'replayed' as const }) },
  );
  // A few bodies over the bureaus' 1 MiB limit; more would only move megabytes around.
  const tooLarge = PATHS[bureau].map((path): ProtocolMessage => ({ kind: 'too large', method: 'POST', path, headers: {}, body: `{"x":"${'x'.repeat(1_100_000)}"}` }));
  const replayable = sealed(bureau, keys, { idNumbers: ['110101199003070010'], cardNos: ['6222021234567890'] }, Date.now());
  return [...tooLarge, ...fc.sample(shapes, { numRuns: count - tooLarge.length, seed }).map((shape): ProtocolMessage => {
    switch (shape.type) {
      case 'raw':
        return { kind: 'junk', method: shape.method, path: shape.path, headers: { 'content-type': 'application/json' }, body: shape.method === 'GET' ? '' : shape.body };
      case 'spoilt':
        return spoil(sealed(bureau, keys, { idNumbers: ['110101199003070010'], cardNos: ['6222021234567890'] }, Date.now()), shape.how);
      case 'payload':
        return { ...sealed(bureau, keys, shape.payload, Date.now()), kind: 'sealed hostile payload' };
      case 'replayed':
        return { ...replayable, kind: 'replayed' };
    }
  })];
}
