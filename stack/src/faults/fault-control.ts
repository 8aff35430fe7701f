/**
 * A client of the sandbox bureaus' development-only fault endpoint (`POST /__faults`), over the
 * bureaus' own HTTPS, trusting the development CA only — what a test or a demo uses to break a
 * bureau while the stack runs.
 */
import { request } from 'node:https';
import type { FaultSettings } from '@huimin/sandbox';

export type BureauName = 'civilAffairs' | 'medicalInsurance' | 'finance' | 'transit';

/** What the endpoint accepts: settings to change, a seed, card-status messages to drop. */
export type FaultCommand = Partial<FaultSettings> & { seed?: number; dropCardStatusMessages?: number };

export interface FaultState {
  faults: FaultSettings;
  cardStatusFeed: boolean;
}

export interface FaultControl {
  set(bureau: BureauName, command: FaultCommand): Promise<FaultState>;
  clear(bureau: BureauName): Promise<FaultState>;
  clearAll(): Promise<void>;
}

function call(url: string, method: 'POST' | 'DELETE', caCertPem: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/__faults`, { method, ca: caCertPem, agent: false, timeout: 5000, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('fault control timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

export function createFaultControl(bureauUrls: Record<BureauName, string>, caCertPem: string): FaultControl {
  async function send(bureau: BureauName, method: 'POST' | 'DELETE', command?: FaultCommand): Promise<FaultState> {
    const answer = await call(bureauUrls[bureau], method, caCertPem, command === undefined ? undefined : JSON.stringify(command));
    if (answer.status !== 200) throw new Error(`fault control of ${bureau} answered ${answer.status}: ${answer.text}`);
    return JSON.parse(answer.text) as FaultState;
  }
  const names = Object.keys(bureauUrls) as BureauName[];
  return {
    set: (bureau, command) => send(bureau, 'POST', command),
    clear: (bureau) => send(bureau, 'DELETE'),
    clearAll: async () => {
      await Promise.all(names.map((bureau) => send(bureau, 'DELETE')));
    },
  };
}
