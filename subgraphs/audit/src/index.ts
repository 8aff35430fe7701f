/** The audit subgraph: Citizen.accessLog, read from the gateway's audit trail. */
import type { GraphQLSchema } from 'graphql';
import { GraphQLError } from 'graphql';
import {
  createSubgraphSchema, startSubgraphServer, toGraphQLError,
  type ErrorLog, type GatewayTrust, type RunningSubgraph, type SubgraphResolvers,
} from '@huimin/subgraph-kit';
import { accessLogOf, type AccessLogReader } from './access-log';

export { accessLogOf, decodeAccessCursor, encodeAccessCursor, MAX_ACCESS_LOG_PAGE } from './access-log';
export type { AccessLogConnection, AccessLogEntry, AccessLogReader, AccessLogRecord, AccessOutcome } from './access-log';

type AuditContext = Record<string, never>;

export function createAuditSchema(reader: AccessLogReader): GraphQLSchema {
  const resolvers: SubgraphResolvers<AuditContext> = {
    Citizen: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      accessLog: async (citizen: { id: string }, args: { first?: number | null; after?: string | null }) => {
        try {
          return await accessLogOf(reader, citizen.id, args);
        } catch (error) {
          // Cursor and page-size errors keep their code; a store failure is INTERNAL (logged, not shown).
          throw error instanceof GraphQLError ? error : toGraphQLError(error);
        }
      },
    },
  };
  return createSubgraphSchema('audit', resolvers);
}

export interface AuditSubgraphOptions {
  reader: AccessLogReader;
  host?: string;
  port?: number;
  log?: ErrorLog;
  /** The gateway↔subgraph key: refuse requests without the gateway's signed context. Absent: open (tests, benches). */
  gatewayTrust?: GatewayTrust;
}

export async function startAuditSubgraph(options: AuditSubgraphOptions): Promise<RunningSubgraph> {
  return startSubgraphServer<AuditContext>({
    name: 'audit',
    schema: createAuditSchema(options.reader),
    context: () => ({}),
    host: options.host,
    port: options.port,
    log: options.log,
    gatewayTrust: options.gatewayTrust,
  });
}
