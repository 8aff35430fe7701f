/**
 * Malformed and hostile requests for the gateway, drawn with fast-check from a seed (so a failing
 * run can be repeated): broken JSON, wrong types, huge strings and lists, deep nesting, alias and
 * fragment bombs, invalid IDs, unicode junk, wrong methods and paths, and bad headers (unsigned,
 * badly signed, stale, replayed, missing or foreign purpose). Most are signed correctly, so they
 * get past authentication and reach the parser, the validator, the limits and the subgraphs.
 */
import fc from 'fast-check';
import { devSigner, signedHeaders } from '../test-support/graphql-client';

export interface HostileRequest {
  kind: string;
  method: string;
  /** Path and query string. */
  target: string;
  headers: Record<string, string>;
  body: string;
  /** How to sign it: properly, not at all, or spoilt in one way. */
  signing: 'signed' | 'unsigned' | 'bad-signature' | 'stale' | 'replayed' | 'no-purpose' | 'foreign-purpose' | 'unknown-partner';
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Text no GraphQL lexer or JSON parser should choke on: control characters, surrogates, RTL, emoji. */
const junk = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.constantFrom('\u0000', '\ud800', '\udfff\ud800', '\u202e\u202d', '🧧'.repeat(50), '\\u0000', '"', '\\', '{', '}}}}', '\u2028\u2029', '𠮷'.repeat(30)),
);

const fields = ['subsidyPrograms { code nameZh }', '__typename', 'transitCard(cardNo: "6222021234567890") { cardNo }', '__schema { types { name } }'];

const idNumber = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.stringMatching(/^[0-9]{17}[0-9X]$/),
  fc.constantFrom('', ' ', '000000000000000000', '11010119900307001X', '110101199003070010', 'x'.repeat(5000), '１１０１０１１９９００３０７００１Ｘ'),
  junk,
);

const query = fc.oneof(
  // Invalid IDs, card numbers and pseudonymous IDs, as literals and as variables.
  idNumber.map((id) => ({ kind: 'invalid id', body: { query: 'query($n: String) { citizen(idNumber: $n) { id identity { name } } }', variables: { n: id } } })),
  fc.string({ maxLength: 40 }).map((card) => ({ kind: 'invalid card', body: { query: 'query($c: String!) { transitCard(cardNo: $c) { cardNo status } }', variables: { c: card } } })),
  fc.array(fc.oneof(fc.string({ maxLength: 60 }), junk), { maxLength: 30 }).map((ids) => ({ kind: 'invalid ids', body: { query: 'query($i: [ID!]!) { citizens(ids: $i) { id } }', variables: { i: ids } } })),
  // Wrong types for variables and for the request's own fields.
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'wrong variable type', body: { query: 'query($n: String, $on: Date) { citizen(idNumber: $n) { eligibility(on: $on) { eligible } } }', variables: { n: value, on: value } } })),
  fc.jsonValue({ maxDepth: 2 }).map((value) => ({ kind: 'wrong request type', body: { query: value, variables: value, operationName: value } })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: 'not a request', body: value })),
  // Size: huge strings, lists, aliases, fragments, nesting.
  fc.integer({ min: 1000, max: 60_000 }).map((n) => ({ kind: 'huge string', body: { query: `{ citizen(idNumber: "${'9'.repeat(n)}") { id } }` } })),
  fc.integer({ min: 501, max: 3000 }).map((n) => ({ kind: 'huge list', body: { query: 'query($i: [ID!]!) { citizens(ids: $i) { id } }', variables: { i: Array.from({ length: n }, (_, k) => `id${k}`) } } })),
  fc.integer({ min: 50, max: 2000 }).map((n) => ({ kind: 'alias bomb', body: { query: `{ ${Array.from({ length: n }, (_, k) => `a${k}: subsidyPrograms { code }`).join(' ')} }` } })),
  fc.integer({ min: 20, max: 400 }).map((n) => ({ kind: 'deep nesting', body: { query: `{ citizen(idNumber: "110101199003070010") ${'{ transitCards { owner '.repeat(n)}{ id }${' }'.repeat(2 * n)} }` } })),
  fc.integer({ min: 100, max: 3000 }).map((n) => ({ kind: 'deep json', body: { query: '{ __typename }', variables: JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) as unknown } })),
  fc.integer({ min: 2, max: 40 }).map((n) => ({ kind: 'fragment cycle', body: { query: `{ ...F0 } ${Array.from({ length: n }, (_, k) => `fragment F${k} on Query { ...F${(k + 1) % n} }`).join(' ')}` } })),
  fc.integer({ min: 10, max: 20 }).map((n) => ({ kind: 'fragment fan-out', body: { query: `{ ...F0 } ${Array.from({ length: n }, (_, k) => `fragment F${k} on Query { a: __typename ${k + 1 < n ? `...F${k + 1} ...F${k + 1}` : 'subsidyPrograms { code }'} }`).join(' ')}` } })),
  fc.integer({ min: 100, max: 3000 }).map((n) => ({ kind: 'directive spam', body: { query: `{ __typename ${'@include(if: true) '.repeat(n)}}` } })),
  // Syntax and unicode junk inside otherwise valid requests.
  junk.map((text) => ({ kind: 'junk query', body: { query: text } })),
  fc.tuple(fc.constantFrom(...fields), junk).map(([field, text]) => ({ kind: 'junk argument', body: { query: `{ ${field} citizen(idNumber: ${JSON.stringify(text)}) { id } }` } })),
  fc.constantFrom(...fields).map((field) => ({ kind: 'mutation or subscription', body: { query: `mutation { ${field} }` } })),
  fc.string({ maxLength: 80 }).map((name) => ({ kind: 'operation name', body: { query: 'query A { __typename } query B { __typename }', operationName: name } })),
  fc.string({ maxLength: 64 }).map((hash) => ({ kind: 'persisted hash', body: { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } })),
);

const rawBody = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }).map((body) => ({ kind: 'broken json', body })),
  fc.constantFrom('{', '{"query":', '{"query":"{ __typename }"', '[', 'null', 'true', '0', '""', '{}', '{"query":"{ __typename }"}}', '\u0000\u0000').map((body) => ({ kind: 'broken json', body })),
  fc.integer({ min: 70_000, max: 200_000 }).map((n) => ({ kind: 'body too large', body: `{"query":"${'x'.repeat(n)}"}` })),
);

const signing = fc.constantFrom<HostileRequest['signing']>('signed', 'signed', 'signed', 'signed', 'signed', 'signed', 'unsigned', 'bad-signature', 'stale', 'replayed', 'no-purpose', 'foreign-purpose', 'unknown-partner');

const request: fc.Arbitrary<HostileRequest> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(query, signing).map(([q, s]) => ({ kind: q.kind, method: 'POST', target: '/graphql', headers: { ...JSON_TYPE }, body: JSON.stringify(q.body), signing: s })) },
  { weight: 2, arbitrary: fc.tuple(rawBody, signing).map(([b, s]) => ({ kind: b.kind, method: 'POST', target: '/graphql', headers: { ...JSON_TYPE }, body: b.body, signing: s })) },
  {
    weight: 1,
    arbitrary: fc.record({
      method: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST'),
      target: fc.constantFrom('/graphql', '/graphql?query=%7B__typename%7D', '/graphql?query=%ZZ', '/ready?x=1', '/nope', '/graphql/../ready', `/graphql?${'a'.repeat(3000)}`),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', ''),
      body: fc.oneof(fc.constant(''), fc.constant('{"query":"{ __typename }"}'), fc.string({ maxLength: 100 })),
      signing,
    }).map(({ method, target, contentType, body, signing: s }): HostileRequest => ({
      kind: 'method, path or type', method, target, headers: contentType ? { 'content-type': contentType } : {}, body: method === 'GET' ? '' : body, signing: s,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('x-huimin-partner', 'x-huimin-timestamp', 'x-huimin-nonce', 'x-huimin-signature', 'authorization', 'x-huimin-purpose', 'x-huimin-deadline-ms'), fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('Bearer ', 'Bearer analytics-dev-kez', '-1', '9'.repeat(400), 'counter-full, demo-app')))
      .map(([name, value]) => ({ kind: 'bad header', method: 'POST', target: '/graphql', headers: { ...JSON_TYPE, [name]: value.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, '?') }, body: '{"query":"{ subsidyPrograms { code } }"}', signing: 'unsigned' as const })),
  },
);

/** `count` requests, the same ones for the same seed. */
export function hostileRequests(count: number, seed: number): HostileRequest[] {
  return fc.sample(request, { numRuns: count, seed });
}

/** The signing headers for a hostile request: right, absent, or spoilt the way it says. */
export function signHostile(hostile: HostileRequest, url: string): Record<string, string> {
  const signer = devSigner('counter-full');
  const sign = (overrides: Partial<typeof signer> = {}): Record<string, string> => signedHeaders(url, hostile.body, { ...signer, ...overrides }, hostile.method);
  switch (hostile.signing) {
    case 'signed':
    case 'replayed':
      return sign();
    case 'unsigned':
      return {};
    case 'bad-signature': {
      const headers = sign();
      const name = Object.keys(headers).find((key) => key.toLowerCase() === 'x-huimin-signature') ?? 'x-huimin-signature';
      return { ...headers, [name]: (headers[name] ?? '').replace(/^./, (c) => (c === '0' ? '1' : '0')) };
    }
    case 'stale': {
      const headers = sign();
      const name = Object.keys(headers).find((key) => key.toLowerCase() === 'x-huimin-timestamp') ?? 'x-huimin-timestamp';
      return { ...headers, [name]: String(Date.now() - 3_600_000) };
    }
    case 'no-purpose':
      return Object.fromEntries(Object.entries(sign()).filter(([key]) => key.toLowerCase() !== 'x-huimin-purpose'));
    case 'foreign-purpose':
      return sign({ purpose: 'STATISTICS' });
    case 'unknown-partner':
      return sign({ partner: 'nobody-at-all', secret: 'not-a-registered-secret' });
  }
}
