/**
 * What the bench's child processes (upstream, contenders) and the driver say to each other over
 * the fork IPC channel.
 */

/** The upstream's report: where the subgraphs are and whom to ask about. */
export interface UpstreamReady {
  type: 'upstream-ready';
  /** The supergraph composed with the subgraphs' real addresses. */
  supergraphFile: string;
  /** With --gateway-trust: the supergraph of the subgraphs that verify the gateway-signed context. */
  trustedSupergraphFile: string | null;
  subgraphUrls: Record<string, string>;
  /** Pseudonymous citizen ids the civil-affairs subgraph has minted (and remembers). */
  ids: string[];
  /** Which bureaus answer: in-process stores, or the sandbox bureaus over their protocols. */
  upstream: UpstreamKind;
}

export type UpstreamKind = 'in-process' | 'sandbox';

/** A contender (or the upstream) listening. */
export interface ServerReady {
  type: 'ready';
  url: string;
}

/** A subgraph host (subgraph-host.ts) listening: its open subgraph, and its gateway-trusting twin. */
export interface SubgraphHostReady {
  type: 'subgraph-ready';
  open: string;
  trusted: string | null;
}

export interface CpuReport {
  type: 'cpu';
  /** process.cpuUsage() of the child, microseconds since it started. */
  usage: { user: number; system: number };
}

export interface ChildFailed {
  type: 'failed';
  message: string;
}

/** The transport bench's servers (bench/src/transport): one URL per way of trusting the gateway. */
export interface TransportServersReady {
  type: 'transport-ready';
  plain: string;
  signed: string;
  mutualTls: string;
}

export type ChildMessage = UpstreamReady | ServerReady | SubgraphHostReady | TransportServersReady | CpuReport | ChildFailed;

export type DriverMessage = { type: 'cpu' } | { type: 'stop' };

/**
 * Answers the driver from inside a child: CPU on request (its own, plus `childrenCpuMs` of the
 * processes it forked), a clean exit on stop.
 */
export function answerDriver(close: () => Promise<void>, childrenCpuMs?: () => Promise<number>): void {
  process.on('message', (message: DriverMessage) => {
    switch (message.type) {
      case 'cpu': {
        const own = process.cpuUsage();
        if (!childrenCpuMs) {
          send({ type: 'cpu', usage: own });
          break;
        }
        void childrenCpuMs().then((ms) => send({ type: 'cpu', usage: { user: own.user + Math.round(ms * 1000), system: own.system } }));
        break;
      }
      case 'stop':
        // A normal exit, so --cpu-prof gets to write its profile.
        void close()
          .catch(() => undefined)
          .finally(() => process.exit(0));
        break;
    }
  });
  // The driver died: do not linger as an orphan holding ports.
  process.on('disconnect', () => process.exit(0));
}

export function send(message: ChildMessage): void {
  process.send?.(message);
}

/** Runs a child's main, reporting a failure to the driver instead of dying silently. */
export function runChild(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    send({ type: 'failed', message });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100);
  });
}
