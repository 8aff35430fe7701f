/**
 * The composition root of the gateway's features: config in, the list of guards, plugins and
 * subgraph hooks out. Each feature lives in its own file under features/; add it here.
 */
import type { GatewayConfig } from './config';
import { noFeatures, type GatewayFeatures } from './pipeline';

export async function buildGatewayFeatures(config: GatewayConfig): Promise<GatewayFeatures> {
  const features = noFeatures();
  void config;
  return features;
}
