export { loadGatewayConfig, ConfigError, type GatewayConfig } from './config';
export { startGateway, type RunningGateway } from './create-gateway';
export { formatPartnerError } from './format-error';
export { createSubgraphFetcher } from './subgraph-fetcher';
export { buildGatewayFeatures } from './features';
export { noFeatures, type GatewayContext, type GatewayFeatures, type HttpGuard, type SubgraphRequestHook } from './pipeline';
export { RequestRejected } from './http/graphql-http';
