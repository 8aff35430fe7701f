/**
 * The part every contender process shares: read the supergraph file named on the command line,
 * start the gateway, report its URL, then answer the driver (CPU on request, stop).
 */
import { readFileSync } from 'node:fs';
import { answerDriver, runChild, send } from '../ipc';

export interface RunningContender {
  /** The GraphQL endpoint, on 127.0.0.1. */
  url: string;
  close(): Promise<void>;
}

export function serveContender(start: (supergraphSdl: string) => Promise<RunningContender>): void {
  runChild(async () => {
    const file = process.argv[2];
    if (!file) throw new Error('usage: node <contender>.js <supergraph-file>');
    const running = await start(readFileSync(file, 'utf8'));
    answerDriver(() => running.close());
    send({ type: 'ready', url: running.url });
  });
}
