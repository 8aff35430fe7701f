/**
 * `npm run certs [-- --force]`: makes the development CA, TLS certificates and the bureaus' key
 * material in HUIMIN_CERTS_DIR (default var/certs), keeping what is already there.
 */
import { generateDevMaterial } from './generate-dev-material';
import { certsDirFrom } from './layout';

const USAGE = 'usage: npm run certs [-- --force] [-- --dir <folder>]';

function parseArgs(argv: readonly string[]): { force: boolean; dir: string | null } {
  let force = false;
  let dir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--force') force = true;
    else if (arg === '--dir' && argv[i + 1] !== undefined) dir = argv[++i] ?? null;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return { force, dir };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = args.dir ?? certsDirFrom(process.env);
  const report = await generateDevMaterial(dir, { force: args.force });
  process.stdout.write(`development material in ${report.dir}\n`);
  if (report.made.length > 0) process.stdout.write(`  made: ${report.made.join(', ')}\n`);
  if (report.kept.length > 0) process.stdout.write(`  kept: ${report.kept.join(', ')} (--force to replace)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`certs: ${(error as Error).message}\n`);
  process.exit(1);
});
