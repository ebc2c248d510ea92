import { readdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { QUICK } from './settings'
import type { BenchModule, BenchRow } from './types'

const benchDir = fileURLToPath(new URL('.', import.meta.url))

/** Loads a module by its path relative to the project root (the runner goes through Vite). */
export type ModuleLoader = (path: string) => Promise<Record<string, unknown>>

/**
 * Runs `bench/*.bench.ts` (all of them, or those named in `filters`), prints one table on stdout and,
 * after a full run, writes `bench/RESULTS.md`. Returns whether every row met its target.
 */
export async function runBenchmarks(load: ModuleLoader, filters: string[]): Promise<boolean> {
  const files = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.ts')).sort()
  const selected = filters.length ? files.filter((f) => filters.some((name) => f.includes(name))) : files
  if (!selected.length) throw new Error(`No benchmark matches ${filters.join(', ')}; have: ${files.join(', ')}`)

  const log = (line: string): void => {
    process.stderr.write(`${line}\n`)
  }
  const results: { module: string; rows: BenchRow[]; seconds: number; order: number }[] = []
  const modules: BenchModule[] = []
  for (const file of selected) modules.push((await load(`/bench/${file}`)).default as BenchModule)
  // Run order: `first` ones, then the rest (a stable sort keeps file order); the table keeps file order.
  const runOrder = [...modules].sort((a, b) => Number(b.first === true) - Number(a.first === true))
  for (const mod of runOrder) {
    log(`[bench] ${mod.name}…`)
    const start = performance.now()
    const rows = await mod.run({ log })
    results.push({ module: mod.name, rows, seconds: (performance.now() - start) / 1000, order: modules.indexOf(mod) })
  }
  results.sort((a, b) => a.order - b.order)

  const rows = results.flatMap((r) => r.rows)
  process.stdout.write(`\n${textTable(rows)}\n`)
  if (selected.length === files.length && !QUICK) {
    await writeFile(new URL('RESULTS.md', import.meta.url), markdown(results))
    log('[bench] wrote bench/RESULTS.md')
  } else {
    log(`[bench] ${QUICK ? 'quick' : 'partial'} run: bench/RESULTS.md left as it was`)
  }
  return rows.every((r) => r.pass)
}

const headers = ['benchmark', 'ours', 'peer', 'unit', 'ratio', 'target', 'pass']

function cells(row: BenchRow): string[] {
  return [
    row.name,
    formatNumber(row.ours),
    row.peerText ?? (row.peer === null ? '-' : formatNumber(row.peer)),
    row.unit,
    row.ratioText ?? (row.ratio === null ? '-' : `${row.ratio.toFixed(2)}x`),
    row.target,
    row.pass ? 'yes' : 'NO',
  ]
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3)
}

function textTable(rows: BenchRow[]): string {
  const table = [headers, ...rows.map(cells)]
  const widths = headers.map((_, i) => Math.max(...table.map((r) => r[i].length)))
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n')
}

function markdown(results: { module: string; rows: BenchRow[]; seconds: number }[]): string {
  const rows = results.flatMap((r) => r.rows)
  const cpu = cpus()
  const out = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()}: Node ${process.version}, ` +
      `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${process.platform}/${process.arch}. ` +
      'Absolute figures depend on the machine; the ratios are what the targets check. ' +
      'How each row is measured: bench/README.md.',
    '',
    `| ${headers.join(' | ')} |`,
    `|${headers.map((_, i) => (i === 0 || i === 5 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${cells(r).join(' | ')} |`),
    '',
    '## Notes',
    '',
    ...results.flatMap((r) => r.rows.map((row) => `- **${row.name}** (${r.module}, ${r.seconds.toFixed(1)} s): ${row.detail ?? ''}`)),
    '',
  ]
  return out.join('\n')
}
