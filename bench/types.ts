/** One line of the results table. */
export interface BenchRow {
  /** What was measured, short enough for a table cell. */
  name: string
  /** Our figure, in `unit`. */
  ours: number
  /** The peer's figure on the same work, in `unit`; null when there is nothing to compare with. */
  peer: number | null
  /** Unit of `ours` and `peer`, e.g. `MB/s`, `kB`, `ms`. */
  unit: string
  /** The compared quantity (usually ours / peer); null without a peer. */
  ratio: number | null
  /** The target in words, e.g. `>= 0.90x eventsource-parser`. */
  target: string
  /** Whether the target was met. */
  pass: boolean
  /** Who the peer is and what else is needed to read the row (shown under the table). */
  detail?: string
  /** Shown instead of `peer` when the figure is a bound, e.g. `>40000` for a run stopped at a cap. */
  peerText?: string
  /** Shown instead of `ratio` when the ratio is a bound, e.g. `<0.01x`. */
  ratioText?: string
}

/** What the runner gives every benchmark module. */
export interface BenchContext {
  /** Progress output (stderr), so stdout carries only the table. */
  log: (line: string) => void
}

/** A named benchmark; `bench/<name>.bench.ts` default-exports one. */
export interface BenchModule {
  name: string
  /**
   * Runs before the others: a heap measurement must not see what earlier benchmarks left behind
   * (their garbage, compiled code, closing sockets).
   * @default false
   */
  first?: boolean
  run: (context: BenchContext) => Promise<BenchRow[]>
}
