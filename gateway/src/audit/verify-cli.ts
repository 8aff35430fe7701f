#!/usr/bin/env node
/**
 * `huimin audit verify` (`npm run audit:verify`): checks the audit trail named by the same
 * environment as the gateway (DATABASE_URL / HUIMIN_AUDIT_PG_SCHEMA, else HUIMIN_AUDIT_FILE) and
 * prints every edited, removed, reordered or unreadable record. Exit 0 when intact, 1 when not,
 * 2 when the trail cannot be read.
 */
import { resolve } from 'node:path';
import { ConfigError, loadGatewayConfig } from '../config';
import { redactText } from '../logging/redact';
import { fileExists } from './file-audit-store';
import type { AuditReader } from './audit-store';
import { openAuditReader } from './open-audit-store';
import { verifyChain, type ChainReport } from './verify-chain';

export async function verifyAuditTrail(trail: AuditReader): Promise<ChainReport> {
  return verifyChain(() => trail.records(), await trail.head());
}

export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STDIO: CliOutput = { out: (text) => void process.stdout.write(text), err: (text) => void process.stderr.write(text) };

/** The CLI without the process: argv after the script, the environment, where to print; returns the exit code. */
export async function runAuditVerify(argv: readonly string[], env: Record<string, string | undefined>, io: CliOutput = STDIO): Promise<number> {
  // Accept `huimin audit verify` as well as the bare script.
  const words = argv.filter((word) => !word.startsWith('-'));
  if (words.length > 0 && words.join(' ') !== 'audit verify' && words.join(' ') !== 'verify') {
    io.err('usage: huimin audit verify   (reads DATABASE_URL or HUIMIN_AUDIT_FILE)\n');
    return 2;
  }
  const config = loadGatewayConfig(env);
  const where = config.databaseUrl ? `PostgreSQL schema ${config.audit.pgSchema}` : resolve(config.audit.file);
  if (!config.databaseUrl && !(await fileExists(resolve(config.audit.file)))) {
    io.err(`no audit trail at ${where}\n`);
    return 2;
  }
  const trail = await openAuditReader(config, { createTables: false });
  try {
    const report = await verifyAuditTrail(trail);
    for (const problem of report.problems) io.out(`${problem.kind}: ${problem.message}\n`);
    io.out(report.problems.length === 0
      ? `audit trail intact: ${report.records} records (${where})\n`
      : `audit trail TAMPERED: ${report.problems.length} problem(s) in ${report.records} records (${where})\n`);
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    await trail.close();
  }
}

if (require.main === module) {
  runAuditVerify(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message = error instanceof ConfigError ? error.message : `cannot read the audit trail: ${error instanceof Error ? redactText(error.message) : String(error)}`;
      process.stderr.write(`${message}\n`);
      process.exit(2);
    },
  );
}
