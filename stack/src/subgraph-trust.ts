/**
 * How the stack's subgraphs know the gateway. By default, mutual TLS: each subgraph serves HTTPS
 * with its certificate from the development material and answers /graphql only to the gateway's
 * client certificate, which also encrypts citizen data between them. With a subgraph context key
 * (HUIMIN_SUBGRAPH_CONTEXT_KEY) configured, the signed context over plain HTTP instead, as a
 * deployment without a CA for its internal services would run.
 */
import { GATEWAY_CLIENT_NAME, gatewayClientIdentity, serverIdentity, subgraphServerName, type DevMaterial } from '@huimin/certs';
import type { GatewayConfig } from '@huimin/gateway';
import type { SubgraphName } from '@huimin/schema';
import type { GatewayTrust } from '@huimin/subgraph-kit';

export interface StackSubgraphTrust {
  /** The gateway's configuration with its side of the trust filled in. */
  gatewayConfig: GatewayConfig;
  /** What the subgraph checks on every /graphql call. */
  trustFor(subgraph: SubgraphName): GatewayTrust;
  /** The CA a client of the subgraphs' HTTPS must trust (the card system's pusher); null over plain HTTP. */
  subgraphCaPem: string | null;
}

export function stackSubgraphTrust(config: GatewayConfig, material: DevMaterial): StackSubgraphTrust {
  const key = config.subgraphContextKey;
  if (key) return { gatewayConfig: config, trustFor: () => ({ key }), subgraphCaPem: null };
  const caPem = material.caCertPem;
  const client = gatewayClientIdentity(material);
  return {
    gatewayConfig: { ...config, subgraphTls: { caPem, certPem: client.certPem, keyPem: client.keyPem } },
    trustFor: (subgraph) => ({ mutualTls: { ...serverIdentity(material, subgraphServerName(subgraph)), caPem, gatewayName: GATEWAY_CLIENT_NAME } }),
    subgraphCaPem: caPem,
  };
}
