#!/usr/bin/env node
/**
 * Prints the X-Huimin-* headers that sign one request body (api.md "Partner authentication"),
 * as curl arguments by default, for trying the gateway by hand:
 *
 *   BODY='{"query":"{ subsidyPrograms { code } }"}'
 *   curl http://127.0.0.1:4000/graphql -H content-type:application/json \
 *     $(node gateway/dist/sign-request-cli.js --partner demo-app --purpose BENEFIT_SERVICE --body "$BODY") --data "$BODY"
 *
 * The secret comes from HUIMIN_PARTNER_SECRET (or --secret, which leaves it in shell history).
 * The signature holds for 300 s and one use: sign again for every request.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signPartnerRequest } from './features/authentication-hmac';

function main(): void {
  const { values } = parseArgs({
    options: {
      partner: { type: 'string' },
      secret: { type: 'string' },
      purpose: { type: 'string', default: 'BENEFIT_SERVICE' },
      method: { type: 'string', default: 'POST' },
      path: { type: 'string', default: '/graphql' },
      body: { type: 'string' },
      'body-file': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const secret = values.secret ?? process.env.HUIMIN_PARTNER_SECRET;
  if (!values.partner || !secret) throw new Error('give --partner and the secret (HUIMIN_PARTNER_SECRET or --secret)');
  const body = values['body-file'] !== undefined ? readFileSync(values['body-file']) : Buffer.from(values.body ?? '', 'utf8');
  const headers = signPartnerRequest({ partner: values.partner, secret, purpose: values.purpose, method: values.method, path: values.path, body });
  const out = values.json ? JSON.stringify(headers, null, 2) : Object.entries(headers).map(([name, value]) => `-H ${name}:${value}`).join(' ');
  process.stdout.write(`${out}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
