/**
 * The gateway's listening server: plain HTTP, or HTTPS when HUIMIN_TLS_CERT/KEY are set. With
 * HUIMIN_TLS_CA it also asks clients for a certificate from that CA, for partners authenticating
 * by mutual TLS. The certificate is requested, not required (rejectUnauthorized: false): HMAC and
 * bearer partners connect without one, and the authentication guard refuses a certificate the CA
 * did not issue (socket.authorized) instead of the TLS layer dropping the connection unexplained.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { ConfigError, type GatewayConfig } from '../config';

function pem(file: string, variable: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new ConfigError(`${variable} ${file} cannot be read`);
  }
}

export function createListeningServer(tls: GatewayConfig['tls'], handler: RequestListener): { server: Server; scheme: 'http' | 'https' } {
  if (!tls) return { server: createHttpServer(handler), scheme: 'http' };
  const server = createHttpsServer(
    {
      cert: pem(tls.certFile, 'HUIMIN_TLS_CERT'),
      key: pem(tls.keyFile, 'HUIMIN_TLS_KEY'),
      ...(tls.caFile ? { ca: pem(tls.caFile, 'HUIMIN_TLS_CA'), requestCert: true, rejectUnauthorized: false } : {}),
      minVersion: 'TLSv1.2',
    },
    handler,
  );
  return { server, scheme: 'https' };
}
