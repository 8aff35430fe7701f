/**
 * Writes a generated population file:
 *   node sandbox/dist/population/generate-cli.js --size 10000 --seed 42 --out file.json [--as-of ISO]
 */
import { writeFileSync } from 'node:fs';
import { generatePopulation } from './generate-population';

interface CliOptions {
  size: number;
  seed: number;
  out: string | null;
  asOf: string | undefined;
}

const USAGE = 'usage: generate-cli --size N --seed N [--out file.json] [--as-of 2026-10-31T16:00:00+00:00]';

function integerFlag(name: string, value: string | undefined): number {
  const parsed = Number(value);
  if (value === undefined || !Number.isSafeInteger(parsed)) throw new Error(`--${name} must be an integer\n${USAGE}`);
  return parsed;
}

export function parseArguments(argv: readonly string[]): CliOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1];
    if (!flag.startsWith('--') || value === undefined) throw new Error(`unexpected argument ${flag}\n${USAGE}`);
    flags.set(flag.slice(2), value);
  }
  for (const name of flags.keys()) {
    if (!['size', 'seed', 'out', 'as-of'].includes(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  }
  return {
    size: integerFlag('size', flags.get('size') ?? '2000'),
    seed: integerFlag('seed', flags.get('seed') ?? '1'),
    out: flags.get('out') ?? null,
    asOf: flags.get('as-of'),
  };
}

function main(): void {
  try {
    const options = parseArguments(process.argv.slice(2));
    const started = Date.now();
    const population = generatePopulation({ size: options.size, seed: options.seed, asOf: options.asOf });
    const json = JSON.stringify(population);
    if (options.out === null) {
      process.stdout.write(`${json}\n`);
      return;
    }
    writeFileSync(options.out, json);
    process.stderr.write(
      `wrote ${options.out}: ${options.size} people, ${population.civilAffairs.length} civil-affairs, ` +
        `${population.medicalInsurance.length} insurance, ${population.finance.disbursements.length} disbursements, ` +
        `${population.transit.cards.length} cards in ${Date.now() - started} ms\n`,
    );
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
