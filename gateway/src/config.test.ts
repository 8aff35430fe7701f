/** The gateway ↔ subgraph trust settings: read from files at start, all three or none. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadGatewayConfig } from './config';

describe('subgraph mutual TLS configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'huimin-config-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const env = {
    HUIMIN_SUBGRAPH_CA: file('ca.pem', 'CA PEM'),
    HUIMIN_SUBGRAPH_CLIENT_CERT: file('client.pem', 'CERT PEM'),
    HUIMIN_SUBGRAPH_CLIENT_KEY: file('client.key', 'KEY PEM'),
  };

  it('is off without the variables, and reads the three PEM files when they are set', () => {
    expect(loadGatewayConfig({}).subgraphTls).toBeNull();
    expect(loadGatewayConfig(env).subgraphTls).toEqual({ caPem: 'CA PEM', certPem: 'CERT PEM', keyPem: 'KEY PEM' });
  });

  it('refuses a partial setting and names an unreadable file', () => {
    expect(() => loadGatewayConfig({ HUIMIN_SUBGRAPH_CA: env.HUIMIN_SUBGRAPH_CA })).toThrow(new ConfigError('HUIMIN_SUBGRAPH_CA, HUIMIN_SUBGRAPH_CLIENT_CERT, HUIMIN_SUBGRAPH_CLIENT_KEY must be set together'));
    expect(() => loadGatewayConfig({ ...env, HUIMIN_SUBGRAPH_CLIENT_KEY: join(dir, 'missing.key') })).toThrow(/HUIMIN_SUBGRAPH_CLIENT_KEY: cannot read/);
  });
});
