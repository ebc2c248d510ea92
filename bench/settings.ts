// Knobs every benchmark reads. `npm run bench -- --quick` (or BENCH_QUICK=1) makes a short run for
// development: fewer runs, shorter waits, smaller totals; it never writes RESULTS.md.

/** A short development run. @default false */
export const QUICK = process.env.BENCH_QUICK === '1'

/** Runs per contender where medians are taken (`BENCH_RUNS`). @default 3, 1 when quick */
export const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 1 : 3))

/** A number from the environment, else the full or the quick default. */
export function setting(name: string, full: number, quick: number): number {
  const value = process.env[name]
  return value === undefined || value === '' ? (QUICK ? quick : full) : Number(value)
}
