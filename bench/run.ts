/**
 * `npm run bench`: runs every `bench/*.bench.ts` module in name order and prints a summary.
 *
 * A bench module's default export is an async function returning the figures worth keeping
 * (name → value, already formatted or numeric). Benches print their own details as they go;
 * figures are reported, never judged pass/fail. `BENCH_ONLY=recompute` runs the matching files only.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type BenchFigures = Record<string, string | number>;
export type Bench = () => Promise<BenchFigures | void>;

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.env.BENCH_ONLY;
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort();

const summary: { name: string; figures: BenchFigures | null; error?: string }[] = [];
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  console.log(`\n=== ${name} ===`);
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: Bench };
    summary.push({ name, figures: (await mod.default()) ?? null });
  } catch (err) {
    // A failed bench ends the run at once: its error, the figures so far, exit 1. Nothing waits for
    // handles the failure left open (a pool that never connected, a child server).
    console.error(err);
    summary.push({ name, figures: null, error: err instanceof Error ? err.message : String(err) });
    break;
  }
}

console.log('\n=== summary ===');
for (const s of summary) {
  console.log(`${s.name}${s.error ? `: failed (${s.error})` : ''}`);
  for (const [k, v] of Object.entries(s.figures ?? {})) console.log(`  ${k.padEnd(34)} ${v}`);
}
process.exit(summary.some((s) => s.error) ? 1 : 0);
