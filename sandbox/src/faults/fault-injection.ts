/**
 * Applies a bureau's faults to each call before its protocol handler sees it, and routes the
 * control endpoint. Wraps the bureau server's request listener, so every bureau has the same
 * faults without knowing about them.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { BureauFaults, Corruption } from './bureau-faults';
import { FAULTS_PATH, handleFaultControl } from './fault-control';

function protocolError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message }));
}

/** Damages whatever body the handler ends the response with. */
function corruptAnswer(res: ServerResponse, faults: BureauFaults, how: Corruption): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const [chunk] = args;
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) args[0] = faults.corrupt(chunk.toString(), how);
    return end(...args);
  }) as ServerResponse['end'];
}

export function withFaults(listener: RequestListener, faults: BureauFaults, controlAllowed: boolean): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '/').split('?')[0] === FAULTS_PATH) {
      void handleFaultControl(req, res, faults, controlAllowed);
      return;
    }
    const call = faults.nextCall();
    if (call.down) {
      // As a dead host looks to a client with a pooled connection: no answer, the socket gone.
      req.socket.destroy();
      return;
    }
    const proceed = (): void => {
      if (res.destroyed) return;
      if (call.clockSkew) return protocolError(res, 401, 'CLOCK_SKEW', 'timestamp outside the ±300 s window');
      if (call.error) return protocolError(res, 500, 'INTERNAL', 'internal error');
      if (call.corrupt) corruptAnswer(res, faults, call.corrupt);
      listener(req, res);
    };
    if (call.delayMs <= 0) return proceed();
    const timer = setTimeout(proceed, call.delayMs);
    // The client gave up (its timeout): nothing to answer.
    res.once('close', () => clearTimeout(timer));
  };
}
