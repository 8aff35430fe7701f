/** The driver's side of its child processes: fork, wait for ready, ask for CPU, stop. */
import { fork, type ChildProcess } from 'node:child_process';
import type { ChildMessage, CpuReport, DriverMessage } from './ipc';

export interface BenchChild<TReady> {
  name: string;
  process: ChildProcess;
  ready: TReady;
  /** The child's CPU time (user + system) since it started, in milliseconds. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export interface ForkOptions {
  args?: string[];
  execArgv?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

const OUTPUT_TAIL_CHARS = 8000;

/** Forks a bench script and resolves once it reports the ready message of the given type. */
export function forkChild<TReady extends ChildMessage>(
  name: string,
  script: string,
  readyType: TReady['type'],
  options: ForkOptions = {},
): Promise<BenchChild<TReady>> {
  const child = fork(script, options.args ?? [], {
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Kept so a child that fails to start can say why; otherwise its logs are noise in the table.
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const cpuWaiters: Array<(report: CpuReport) => void> = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${options.readyTimeoutMs ?? 60_000} ms`), options.readyTimeoutMs ?? 60_000);
    function fail(reason: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name}: ${reason}\n--- ${name} output ---\n${output}`));
    }
    const onEarlyExit = (code: number | null, signal: string | null): void => fail(`exited early (code ${code}, signal ${signal})`);
    child.once('exit', onEarlyExit);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'failed') return fail(message.message);
      if (message.type === 'cpu') return cpuWaiters.shift()?.(message);
      if (message.type !== readyType) return;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      resolve({
        name,
        process: child,
        ready: message as TReady,
        cpuMs: () =>
          new Promise<number>((done) => {
            cpuWaiters.push((report) => done((report.usage.user + report.usage.system) / 1000));
            tell(child, { type: 'cpu' });
          }),
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          tell(child, { type: 'stop' });
          const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

function tell(child: ChildProcess, message: DriverMessage): void {
  if (child.connected) child.send(message);
}
