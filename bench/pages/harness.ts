import type { BenchWindowApi, PageResult } from './shared'

/** What a contender's page tells the harness. */
export interface ContenderProbe {
  /** Messages that reached the store so far. */
  delivered(): number
  /** Whether the stream is open (the burst may start). */
  isOpen(): boolean
  /** Calls `done` once, when the store reflects the last message of the run. */
  onLast(done: () => void): void
}

declare global {
  interface Window {
    __bench?: BenchWindowApi
  }
}

const longTasks: PerformanceEntry[] = []
// Registered before anything else runs; `buffered` keeps tasks from before the observer too.
new PerformanceObserver((list) => {
  longTasks.push(...list.getEntries())
}).observe({ type: 'longtask', buffered: true })

/** Epoch time with sub-millisecond resolution, comparable with Node's `performance.timeOrigin + now()`. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now()
}

/** Installs `window.__bench` for the Node side of the benchmark. */
export function installHarness(probe: ContenderProbe): void {
  const api: BenchWindowApi = {
    isOpen: () => probe.isOpen(),
    settledAt: null,
    collect(since: number): PageResult {
      const from = since - performance.timeOrigin
      return {
        delivered: probe.delivered(),
        settledAt: api.settledAt,
        longTasks: longTasks.filter((t) => t.startTime + t.duration >= from).map((t) => t.duration),
        // Popups fading out (leave transition) are no longer on screen.
        popups: [...document.querySelectorAll('.el-notification')].filter((el) => !/-leave-/.test(el.className)).length,
      }
    },
  }
  probe.onLast(() => {
    api.settledAt ??= epochNow()
  })
  window.__bench = api
}
