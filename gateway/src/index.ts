export { loadGatewayConfig, ConfigError, type GatewayConfig } from './config';
export { startGateway, type RunningGateway } from './create-gateway';
export { formatPartnerError } from './format-error';
export { createSubgraphFetcher } from './subgraph-fetcher';
