/** Forks the crash test's children (TypeScript sources through ts-register.cjs) and waits for them to be ready. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildMessage } from './child-keys';

export interface Child {
  process: ChildProcess;
  url: string;
  /** Resolves with the signal (or exit code) the child ended with. */
  exited: Promise<string>;
  /** Sends a command and waits for its 'done'. */
  ask(command: object): Promise<void>;
  stop(): Promise<void>;
}

const REGISTER = join(__dirname, 'ts-register.cjs');

export function startChild(script: 'crash-bureau-child.ts' | 'crash-subgraph-child.ts', env: Record<string, string>): Promise<Child> {
  const child = fork(join(__dirname, script), [], { execArgv: ['-r', REGISTER], env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not start within 30 s'), 30_000);
    function fail(reason: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${script}: ${reason}\n${output}`));
    }
    void exited.then((how) => fail(`exited early (${how})`));
    child.once('message', (message: ChildMessage) => {
      if (message.type !== 'ready') return fail(`unexpected message ${message.type}`);
      clearTimeout(timer);
      resolve({
        process: child,
        url: message.url,
        exited,
        ask: (command) =>
          new Promise<void>((done) => {
            child.once('message', () => done());
            child.send(command);
          }),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.disconnect();
          const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
