/** Contender (d): our gateway, exactly as `npm start` builds it, on a free port. */
import { loadGatewayConfig, startGateway } from '@huimin/gateway';
import { serveContender } from './serve-contender';

serveContender(async (supergraphSdl) => {
  const gateway = await startGateway(loadGatewayConfig({ PORT: '0' }), supergraphSdl);
  return { url: gateway.url, close: () => gateway.close() };
});
