/**
 * A small stack for the access-layer tests (audit, limits, rate limits): a generated population,
 * the gateway configured from `env` (DATABASE_URL, REDIS_URL, limits…), and helpers to start
 * further gateways over the same subgraphs — what a second gateway process would be.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGatewayFeatures, loadGatewayConfig, startGateway, type GatewayConfig, type RunningGateway } from '@huimin/gateway';
import { generatePopulation } from '@huimin/sandbox';
import type { Population } from '@huimin/schema';
import { startStack, type RunningStack } from '../stack';
import { DEV_ANALYTICS_BEARER_KEY, devSigner, signedHeaders, type DevHmacPartner, type GraphQLResponse } from './graphql-client';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A lower-case name (PG schema, Redis prefix) no other run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export function tempAuditFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'huimin-audit-e2e-')), 'audit.jsonl');
}

export async function startAccessStack(env: Record<string, string>, population: Population = generatePopulation({ size: 40, seed: 11 })): Promise<RunningStack> {
  return startStack({
    population,
    gateway: loadGatewayConfig({ PORT: '0', HUIMIN_AUDIT_FILE: tempAuditFile(), ...env }),
    mqttUrl: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    mqttTopicPrefix: `huimin-e2e-${randomBytes(6).toString('hex')}/transit`,
  });
}

/** Another gateway over the stack's subgraphs with every feature on (its own config changes applied). */
export async function startSecondGateway(stack: RunningStack, changes: Partial<GatewayConfig> = {}): Promise<RunningGateway> {
  const config: GatewayConfig = { ...stack.gatewayConfig, port: 0, audit: { ...stack.gatewayConfig.audit, file: tempAuditFile() }, ...changes };
  return startGateway(config, stack.supergraphSdl, await buildGatewayFeatures(config));
}

export interface SignedAnswer<T> extends GraphQLResponse<T> {
  headers: Headers;
}

/** POSTs a signed GraphQL request (any body shape: persisted hashes too) and keeps the response headers. */
export async function signedPost<T = Record<string, unknown>>(url: string, body: Record<string, unknown>, partner: DevHmacPartner = 'counter-full'): Promise<SignedAnswer<T>> {
  const text = JSON.stringify(body);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(url, text, devSigner(partner)) }, body: text });
  const parsed = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, headers: response.headers, ...parsed };
}

/** POSTs as the analytics partner, which authenticates with its bearer key. */
export async function bearerPost<T = Record<string, unknown>>(url: string, body: Record<string, unknown>, key = DEV_ANALYTICS_BEARER_KEY): Promise<SignedAnswer<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-huimin-purpose': 'STATISTICS' },
    body: JSON.stringify(body),
  });
  const parsed = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, headers: response.headers, ...parsed };
}
