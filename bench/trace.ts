// Reading Chromium traces (categories `toplevel`, `blink.user_timing`): the tasks of each renderer's
// main thread, and which renderer runs which page.

/** Categories to trace for `readTrace`. */
export const TRACE_CATEGORIES = ['toplevel', 'blink.user_timing']
/** Prefix of the `performance.mark` a page leaves in the trace, followed by its name (`markPage`). */
const PAGE_MARK = 'bench-page:'

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  tdur?: number
  args?: { name?: string }
}

/** One top-level task of a renderer main thread. */
export interface TracedTask {
  /** Start, µs on the trace clock. */
  ts: number
  /** Wall time, ms: what the page's user waits. */
  ms: number
  /** Time the thread was on a CPU, ms: wall time minus the time other processes had the cores. */
  cpuMs: number
}

/** The main-thread tasks of every renderer in a trace, by process id, each list in time order. */
export interface TracedRenderers {
  tasks: Map<number, TracedTask[]>
  /** Renderer process of the page that called `markPage(page, name)` while the trace ran. */
  pidOf(name: string): number | undefined
}

// Top-level work items of the main thread: scheduled tasks and incoming IPC messages.
const topLevel = new Set(['ThreadControllerImpl::RunTask', 'RunTask', 'Receive mojo message'])

export function readTrace(buffer: Buffer): TracedRenderers {
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[]
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? [])
  const mainThreads = new Set<string>()
  for (const e of events) if (e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mainThreads.add(`${e.pid}:${e.tid}`)
  const tasks = new Map<number, TracedTask[]>()
  const pages = new Map<string, number>()
  for (const e of events) {
    if (e.name.startsWith(PAGE_MARK)) pages.set(e.name.slice(PAGE_MARK.length), e.pid)
    if (e.ph !== 'X' || !topLevel.has(e.name) || !mainThreads.has(`${e.pid}:${e.tid}`)) continue
    let list = tasks.get(e.pid)
    if (!list) tasks.set(e.pid, (list = []))
    list.push({ ts: e.ts, ms: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? e.dur ?? 0) / 1000 })
  }
  for (const list of tasks.values()) {
    list.sort((a, b) => a.ts - b.ts || b.ms - a.ms)
    // A task nested in another (a RunTask inside a mojo message) is part of it, not one more.
    let end = Number.NEGATIVE_INFINITY
    const outer = list.filter((t) => {
      if (t.ts < end) return false
      end = t.ts + t.ms * 1000
      return true
    })
    list.splice(0, list.length, ...outer)
  }
  return { tasks, pidOf: (name) => pages.get(name) }
}

/** Leaves a mark naming `page` in a running trace, so `pidOf(name)` finds its renderer. */
export async function markPage(page: { evaluate(fn: (mark: string) => void, arg: string): Promise<unknown> }, name: string): Promise<void> {
  await page.evaluate((mark) => performance.mark(mark), `${PAGE_MARK}${name}`)
}

/**
 * The longest main-thread task of the renderers in the trace (all of them, or those of `pids`), by wall
 * time (`ms`) or by the time its thread was on a CPU (`cpuMs`).
 */
export function longestTask(trace: TracedRenderers, by: 'ms' | 'cpuMs' = 'ms', pids?: Iterable<number | undefined>): TracedTask {
  let longest: TracedTask = { ts: 0, ms: 0, cpuMs: 0 }
  const lists = pids ? [...pids].map((pid) => (pid === undefined ? [] : (trace.tasks.get(pid) ?? []))) : [...trace.tasks.values()]
  for (const list of lists) for (const t of list) if (t[by] > longest[by]) longest = t
  return longest
}

/**
 * Times a main thread woke up: tasks that start after it was idle for at least `idleMs` (the tasks
 * one event sets off back to back count once).
 */
export function wakeUps(tasks: TracedTask[], idleMs = 1): number {
  let count = 0
  let end = Number.NEGATIVE_INFINITY
  for (const t of tasks) {
    if (t.ts - end >= idleMs * 1000) count++
    end = Math.max(end, t.ts + t.ms * 1000)
  }
  return count
}
