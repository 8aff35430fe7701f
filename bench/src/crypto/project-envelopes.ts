/**
 * The four envelopes as the project speaks them: nothing but the protocol modules' own exported
 * seal/open functions, with a real in-memory replay guard on each receiving side.
 */
import {
  CIVIL_PERSONS_BATCH_PATH,
  MemoryReplayGuard,
  openCivilResponse,
  openFinanceRequest,
  openFinanceResponse,
  openMedicalRequest,
  openMedicalResponse,
  openTransitRequest,
  openTransitResponse,
  sealCivilResponse,
  sealFinanceRequest,
  sealFinanceResponse,
  sealMedicalRequest,
  sealMedicalResponse,
  sealTransitRequest,
  sealTransitResponse,
  signCivilRequest,
  verifyCivilRequest,
  type CivilRequestContext,
  type FinanceRequestContext,
  type MedicalRequestContext,
  type TransitRequestContext,
} from '@huimin/adapters';
import type { BenchKeys, EnvelopeSides } from './envelopes';

export function projectFinance(keys: BenchKeys['finance']): EnvelopeSides<FinanceRequestContext> {
  const serverGuard = new MemoryReplayGuard();
  const clientGuard = new MemoryReplayGuard();
  return {
    sealRequest(payload) {
      const envelope = sealFinanceRequest(keys.client, payload);
      return { body: JSON.stringify(envelope), headers: {}, nonce: envelope.nonce };
    },
    async openRequest(sealed) {
      const { request, ...context } = await openFinanceRequest(keys.server, sealed.body, { replayGuard: serverGuard });
      return { context, request };
    },
    sealResponse(context, payload) {
      const envelope = sealFinanceResponse(keys.server, context, payload);
      return { body: JSON.stringify(envelope), headers: {}, nonce: envelope.nonce };
    },
    openResponse: (sealed, requestNonce) => openFinanceResponse(keys.client, sealed.body, requestNonce, { replayGuard: clientGuard }),
  };
}

export function projectMedical(keys: BenchKeys['medical']): EnvelopeSides<MedicalRequestContext> {
  const serverGuard = new MemoryReplayGuard();
  const clientGuard = new MemoryReplayGuard();
  return {
    sealRequest(payload) {
      const envelope = sealMedicalRequest(keys.client, payload);
      return { body: JSON.stringify(envelope), headers: {}, nonce: envelope.nonce };
    },
    async openRequest(sealed) {
      const { request, ...context } = await openMedicalRequest(keys.server, sealed.body, { replayGuard: serverGuard });
      return { context, request };
    },
    sealResponse(context, payload) {
      const envelope = sealMedicalResponse(keys.server, context, payload);
      return { body: JSON.stringify(envelope), headers: {}, nonce: envelope.nonce };
    },
    openResponse: (sealed, requestNonce) => openMedicalResponse(keys.client, sealed.body, requestNonce, { replayGuard: clientGuard }),
  };
}

export function projectCivil(keys: BenchKeys['civil']): EnvelopeSides<CivilRequestContext> {
  const serverGuard = new MemoryReplayGuard();
  return {
    sealRequest(payload) {
      const body = JSON.stringify(payload);
      const { headers, nonce } = signCivilRequest({ method: 'POST', path: CIVIL_PERSONS_BATCH_PATH, body, keys: keys.client, nowMs: Date.now() });
      return { body, headers, nonce };
    },
    async openRequest(sealed) {
      const context = await verifyCivilRequest({
        method: 'POST',
        path: CIVIL_PERSONS_BATCH_PATH,
        headers: sealed.headers,
        body: Buffer.from(sealed.body, 'utf8'),
        keys: keys.server,
        replayGuard: serverGuard,
        nowMs: Date.now(),
      });
      // Civil-affairs requests are signed, not encrypted: opening one is verifying it and parsing.
      return { context, request: JSON.parse(sealed.body) as unknown };
    },
    sealResponse(context, payload) {
      const envelope = sealCivilResponse({ body: JSON.stringify(payload), request: context, keys: keys.server });
      return { body: JSON.stringify(envelope), headers: {}, nonce: context.nonce };
    },
    openResponse: async (sealed, requestNonce) => openCivilResponse({ bodyText: sealed.body, requestNonce, keys: keys.client }),
  };
}

export function projectTransit(keys: BenchKeys['transit']): EnvelopeSides<TransitRequestContext> {
  const serverGuard = new MemoryReplayGuard();
  return {
    sealRequest(payload) {
      return sealTransitRequest({ payload, keys: keys.client, nowMs: Date.now() });
    },
    async openRequest(sealed) {
      const { context, payload } = await openTransitRequest({
        headers: sealed.headers,
        body: Buffer.from(sealed.body, 'utf8'),
        keys: keys.server,
        replayGuard: serverGuard,
        nowMs: Date.now(),
      });
      return { context, request: payload };
    },
    sealResponse(context, payload) {
      const { body, headers } = sealTransitResponse({ payloadJson: JSON.stringify(payload), request: context, keys: keys.server, nowMs: Date.now() });
      return { body, headers, nonce: context.nonce };
    },
    openResponse: async (sealed, requestNonce) =>
      openTransitResponse({ headers: sealed.headers, bodyText: sealed.body, requestNonce, keys: keys.client, nowMs: Date.now() }),
  };
}
