/**
 * POST /webhooks/transactions: transaction records the transit system pushes, in the transit
 * HTTPS envelope (AES-256-GCM, HMAC-SHA256 over timestamp|nonce|body, fresh nonce). A push is
 * verified, then stored, and only then acknowledged with a signed answer bound to its nonce; any
 * failure before that answers an error, so the pusher delivers again. Storing is idempotent on
 * the transaction id, so repeated and reordered deliveries leave each record once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  MemoryReplayGuard, ProtocolError, TRANSIT_TRANSACTIONS_WEBHOOK_PATH,
  isTransactionPush, openTransitRequest, readKeys, sealTransitResponse, transitReceiverKeys,
  type KeySource, type ReplayGuard, type TransactionPushAck, type TransitClientKeys,
} from '@huimin/adapters';
import type { HttpRoute } from '@huimin/subgraph-kit';
import { offlineTopUpFromTransaction } from '../topups/offline-topups';
import type { TopUpLedger } from '../topups/topup-types';
import type { TransactionStore } from './transaction-types';

/** 500 records of a few hundred bytes each, sealed, fit well inside this. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface TransactionsWebhookOptions {
  transactions: TransactionStore;
  /** TOP_UP records of top-ups made at the card system itself are added to the ledger as OFFLINE. */
  topUps?: TopUpLedger;
  /** The app's transit credentials (the same the client holds): the pusher signs and seals with them. */
  keys: KeySource<TransitClientKeys>;
  replayGuard?: ReplayGuard;
  clock?: () => number;
  /** A push that could not be stored: the error's class only (records hold card numbers). */
  onStoreError?: (error: unknown) => void;
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
  return headers;
}

/** Errors answer `{"code","message"}` like the bureaus, never with anything of the push. */
function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ code, message }));
}

export function createTransactionsWebhook(options: TransactionsWebhookOptions): HttpRoute {
  const replayGuard = options.replayGuard ?? new MemoryReplayGuard();
  const clock = options.clock ?? Date.now;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      return sendError(response, error instanceof BodyTooLarge ? 413 : 400, 'MALFORMED', 'unreadable body');
    }
    const clientKeys = readKeys(options.keys);
    const keys = transitReceiverKeys(clientKeys);
    let opened: Awaited<ReturnType<typeof openTransitRequest>>;
    try {
      opened = await openTransitRequest({ headers: headersOf(request), body, keys, replayGuard, nowMs: clock() });
    } catch (error) {
      const failure = error instanceof ProtocolError ? error : new ProtocolError('MALFORMED', 'unreadable push');
      return sendError(response, failure.httpStatus, failure.code, failure.message);
    }
    if (!isTransactionPush(opened.payload)) return sendError(response, 400, 'MALFORMED', 'not a transaction push');
    const { records } = opened.payload;
    let duplicates: number;
    try {
      ({ duplicates } = await options.transactions.storeAll(records));
      if (options.topUps) {
        for (const record of records) {
          const offline = offlineTopUpFromTransaction(record);
          if (offline) await options.topUps.importOffline(offline);
        }
      }
    } catch (error) {
      // Not stored, so not acknowledged: the pusher delivers again.
      options.onStoreError?.(error);
      return sendError(response, 503, 'INTERNAL', 'not stored; deliver again');
    }
    const ack: TransactionPushAck = { acknowledged: records.length, duplicates };
    const sealed = sealTransitResponse({ payloadJson: JSON.stringify(ack), request: opened.context, keys, nowMs: clock() });
    response.writeHead(200, { 'content-type': 'application/json', ...sealed.headers });
    response.end(sealed.body);
  }

  return { method: 'POST', path: TRANSIT_TRANSACTIONS_WEBHOOK_PATH, handle };
}
