import type { Browser, Page } from 'playwright-core'
import type { MessageStream } from './burstStream'
import type { PageName, PageServer } from './pageServer'
import type { PageResult } from './pages/shared'
import { longestTask, readTrace, TRACE_CATEGORIES } from './trace'

/** One run of one contender. */
export interface RunResult {
  /** What the page reported; null when its main thread was still busy at the cap. */
  result: PageResult | null
  /** From the first byte written until the store reflected the last message, in ms; null if not by the cap. */
  settleMs: number | null
  /** Longest long task (Long Tasks API: tasks of 50 ms or more), in ms; 0 when there was none. */
  longestTaskMs: number
  /** When the page was still busy at the cap: for how long it had not answered, in ms. */
  busyMs: number | null
  /** Longest main-thread task in a Chromium trace of the run, in ms, when traced. */
  tracedLongestTaskMs: number | null
  /** When traced: the most CPU time one main-thread task took, in ms (its wall time may be longer). */
  tracedLongestCpuMs: number | null
}

export interface RunOptions {
  /** Give up waiting for the last message after this long, in ms. */
  capMs: number
  /** Record a Chromium trace and report the longest renderer main-thread task. @default false */
  trace?: boolean
  /**
   * Slows the page's CPU down this many times (CDP `Emulation.setCPUThrottlingRate`), from before it
   * loads: a slower machine. @default 1
   */
  cpuThrottle?: number
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
/** Epoch time in ms, sub-ms, comparable with the pages' `epochNow()`. */
export const now = (): number => performance.timeOrigin + performance.now()

/**
 * Opens a fresh page of `name`, waits for its stream, writes the whole `stream` at once (the socket
 * takes it as fast as the browser reads) and waits until the page's store reflects the last message.
 */
export async function runPage(
  browser: Browser,
  server: PageServer,
  name: PageName,
  query: string,
  stream: MessageStream,
  options: RunOptions,
): Promise<RunResult> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    const throttle = options.cpuThrottle ?? 1
    if (throttle !== 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle })
    await page.goto(`${server.url}/${name}.html${query}`)
    await page.waitForFunction(() => window.__bench?.isOpen() === true, null, { timeout: 15_000 * throttle, polling: 20 })
    // This page's stream is the only one (the previous page's is gone).
    await server.backend.waitFor(() => server.backend.openConnections === 1, 5_000, 'one open stream')
    // Let the page go idle after connecting.
    await sleep(300 * throttle)
    if (options.trace) await browser.startTracing(page, { categories: TRACE_CATEGORIES })
    const start = now()
    server.backend.sendRaw(stream.text)
    const { settled, lastAnswer } = await waitForSettle(page, start, options.capMs)
    const trace = options.trace ? readTrace(await browser.stopTracing()) : null
    const result = settled ? await page.evaluate((since) => window.__bench!.collect(since), start) : null
    return {
      result,
      settleMs: result?.settledAt != null ? result.settledAt - start : null,
      longestTaskMs: result ? Math.max(0, ...result.longTasks) : 0,
      busyMs: result ? null : now() - lastAnswer,
      tracedLongestTaskMs: trace ? longestTask(trace).ms : null,
      tracedLongestCpuMs: trace ? longestTask(trace, 'cpuMs').cpuMs : null,
    }
  } finally {
    await context.close()
  }
}

/**
 * Polls the page every 100 ms without queueing more than one question. A page that does not answer
 * is busy on its main thread; when it answers, the run is over once the last message is in the store.
 */
export async function waitForSettle(page: Page, start: number, capMs: number): Promise<{ settled: boolean; lastAnswer: number }> {
  let lastAnswer = start
  let settled = false
  let asking = false
  while (!settled && now() - start < capMs) {
    if (!asking) {
      asking = true
      page
        .evaluate(() => window.__bench!.settledAt !== null)
        .then((done) => {
          settled = done
          lastAnswer = now()
        })
        .catch(() => {})
        .finally(() => {
          asking = false
        })
    }
    await sleep(100)
  }
  // A page that stopped answering before the cap (its main thread stuck in a task) counts as busy.
  if (!settled && now() - lastAnswer < 1000) {
    settled = await Promise.race([page.evaluate(() => true).catch(() => false), sleep(1000).then(() => false)])
  }
  return { settled, lastAnswer }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
