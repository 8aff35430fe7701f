/**
 * useAudit: one record per operation that touches citizen data, written before the answer
 * leaves. If the record cannot be written the answer is replaced by AUDIT_UNAVAILABLE: under
 * PIPL an access that is not recorded must not happen.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { DocumentNode, GraphQLFormattedError, OperationDefinitionNode } from 'graphql';
import type { AuditEntry, AuditOutcome } from '../audit/audit-record';
import type { AuditStore } from '../audit/audit-store';
import { silentLogger, type Logger } from '../logging/logger';
import type { GatewayContext } from '../pipeline';
import { auditPlanOf, collectTouched, type AuditPlan } from './audit-collect';
import { partnerOf } from './partner-context';

export interface AuditOptions {
  store: Pick<AuditStore, 'append'>;
  log?: Logger;
  clock?: () => number;
}

/** Codes that mean "the request was refused" rather than "something failed". */
const REFUSALS = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'INVALID_ID_NUMBER', 'INVALID_CARD_NUMBER', 'BAD_USER_INPUT', 'BAD_REQUEST',
  'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX', 'PERSISTED_QUERY_NOT_FOUND', 'RATE_LIMITED',
]);

/** Seconds a partner is asked to wait after AUDIT_UNAVAILABLE. */
const AUDIT_RETRY_AFTER_S = 5;

export const AUDIT_UNAVAILABLE_ERROR: GraphQLFormattedError = {
  message: 'The access could not be recorded, so no data is served; retry later',
  extensions: { code: 'AUDIT_UNAVAILABLE' },
};

function outcomeOf(served: boolean, codes: ReadonlySet<string>): AuditOutcome {
  if (served) return codes.size === 0 ? 'SERVED' : 'PARTIAL';
  if (codes.size === 0) return 'SERVED';
  return [...codes].some((code) => REFUSALS.has(code)) ? 'REFUSED' : 'FAILED';
}

function entryFor(
  requestContext: GraphQLRequestContextWillSendResponse<GatewayContext>,
  plan: AuditPlan,
  operationHash: string,
  clock: () => number,
): AuditEntry {
  const body = requestContext.response.body;
  const result = body.kind === 'single' ? body.singleResult : body.initialResult;
  const touched = collectTouched(plan, result.data, requestContext.request.variables);
  const codes = new Set<string>();
  for (const error of result.errors ?? []) if (typeof error.extensions?.code === 'string') codes.add(error.extensions.code);
  const partner = partnerOf(requestContext.contextValue);
  const now = clock();
  return {
    requestId: requestContext.contextValue.requestId,
    partnerId: partner?.id ?? 'anonymous',
    purpose: partner?.purpose ?? null,
    operationName: requestContext.operationName ?? null,
    operationHash,
    citizenIds: [...touched.citizenIds].sort(),
    fields: [...touched.fields].sort(),
    outcome: outcomeOf(touched.fields.size > 0, codes),
    errorCodes: [...codes].sort(),
    latencyMs: Math.max(0, now - requestContext.contextValue.receivedAt),
    at: new Date(now).toISOString(),
  };
}

export function useAudit(options: AuditOptions): ApolloServerPlugin<GatewayContext> {
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? Date.now;
  return {
    async requestDidStart() {
      let plan: AuditPlan | undefined;
      let operationHash = '';
      return {
        // The hash of the text as sent (or persisted), before any feature swaps the document.
        async didResolveSource({ queryHash }) {
          operationHash = queryHash;
        },
        // The last moment before execution, after every other plugin's didResolveOperation: the
        // hidden selections go on the document that will really run (after scope filtering).
        async executionDidStart(requestContext) {
          plan = auditPlanOf(requestContext.schema, requestContext.document, requestContext.operation);
          if (!plan.touchesCitizens) return;
          const writable = requestContext as { document: DocumentNode; operation: OperationDefinitionNode };
          writable.document = plan.document;
          writable.operation = plan.executed;
        },
        async willSendResponse(requestContext) {
          // No operation (unparsable, invalid, unknown operationName): nothing was touched.
          const { document, operation } = requestContext;
          if (!document || !operation) return;
          // Refused before execution (limits, scopes): the plan of the document as sent.
          plan ??= auditPlanOf(requestContext.schema, document, operation);
          if (!plan.touchesCitizens) return;
          const entry = entryFor(requestContext, plan, operationHash, clock);
          try {
            await options.store.append(entry);
          } catch (error) {
            // The class and the database's SQLSTATE only: messages can quote SQL or values.
            const sqlState = (error as { code?: unknown }).code;
            log.error('audit record not written; answer withheld', {
              requestId: entry.requestId,
              partner: entry.partnerId,
              error: error instanceof Error ? error.name : 'unknown',
              ...(typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState) ? { sqlState } : {}),
            });
            requestContext.response.body = { kind: 'single', singleResult: { errors: [AUDIT_UNAVAILABLE_ERROR] } };
            requestContext.response.http.status = 503;
            requestContext.response.http.headers.set('retry-after', String(AUDIT_RETRY_AFTER_S));
          }
        },
      };
    },
  };
}
