import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core'
import { launchChromium } from '../tests/support/chromium'
import { now, sleep } from './browserRun'
import { buildPages, startPageServer } from './pageServer'
import type { PageServer } from './pageServer'
import { sessionMessage, shortCount } from './sessionStream'
import { setting } from './settings'
import { markPage, readTrace, TRACE_CATEGORIES, wakeUps } from './trace'
import type { BenchModule, BenchRow } from './types'

/** How long the pages stay at rest, ms. */
const REST_MS = setting('BENCH_REST_MS', 120_000, 20_000)
const PING_MS = 15_000
const REST_RATIO = 1.5
const HEAP_TOTAL = setting('BENCH_HEAP_TOTAL', 1_000_000, 300_000)
const HEAP_BASELINE_AT = 100_000
const HEAP_TARGET_MIB = 2
const MESSAGES_PER_WRITE = 1000
/**
 * Ours, the peer (the same page and bundle, Vue and Pinia mounted, with the browser's EventSource in
 * place of the plugin), and for context the EventSource alone on an empty page.
 */
const REST_PAGES = [
  ['ours', 'ours.html?share=1'],
  ['EventSource, same page', 'ours.html?pipeline=eventsource'],
  ['EventSource, empty page', 'raw.html'],
] as const

type Metrics = Record<string, number>

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics')
  return Object.fromEntries(list.map((m) => [m.name, m.value]))
}

interface AtRest {
  label: string
  /** Main-thread wake-ups (tasks after >= 1 ms idle) per minute. */
  wakeUps: number
  /** Main-thread tasks per minute. */
  tasks: number
  /** Main-thread busy time per minute, ms (CDP TaskDuration). */
  cpuMs: number
  /** The same from the trace: CPU time of the main thread's top-level tasks per minute, ms. */
  tracedCpuMs: number
  /** Of which running script, ms per minute (CDP ScriptDuration). */
  scriptMs: number
}

interface RestPage {
  label: string
  page: Page
  context: BrowserContext
  cdp: CDPSession
  start?: Metrics
}

/**
 * The pages of `REST_PAGES` open on the same kind of quiet stream side by side for `REST_MS`; what
 * their main threads did.
 */
async function measureRest(browser: Browser, server: PageServer, log: (line: string) => void): Promise<AtRest[]> {
  // Pings every 15 s on every stream, as a production server sends them; every page's stream stays.
  server.backend.setHeartbeat(PING_MS)
  server.backend.setDuplicate('allow')
  const pages: RestPage[] = []
  try {
    for (const [label, path] of REST_PAGES) {
      const context = await browser.newContext()
      const page = await context.newPage()
      await page.goto(`${server.url}/${path}`)
      await page.waitForFunction(() => window.__bench?.isOpen() === true, null, { timeout: 15_000, polling: 50 })
      const cdp = await context.newCDPSession(page)
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
      pages.push({ label, page, context, cdp })
    }
    await server.backend.waitFor(() => server.backend.openConnections === pages.length, 5_000, 'every stream open')
    // Loading is over and its garbage collected before the measurement: what is left is the page at
    // rest, not when V8 happens to sweep what loading left behind.
    await sleep(2_000)
    for (const p of pages) await p.cdp.send('HeapProfiler.collectGarbage')
    await sleep(3_000)
    await browser.startTracing(pages[0].page, { categories: TRACE_CATEGORIES })
    for (const p of pages) await markPage(p.page, p.label)
    for (const p of pages) p.start = await metrics(p.cdp)
    const start = now()
    log(`rest: ${pages.length} pages open and quiet; ${REST_MS / 1000} s at rest…`)
    await sleep(REST_MS)
    const minutes = (now() - start) / 60_000
    const ends = await Promise.all(pages.map((p) => metrics(p.cdp)))
    const trace = readTrace(await browser.stopTracing())
    return pages.map((p, i): AtRest => {
      const tasks = trace.tasks.get(trace.pidOf(p.label) ?? -1) ?? []
      if (tasks.length === 0) throw new Error(`rest bench: no main-thread task of ${p.label} in the trace`)
      const delta = (name: string): number => ((ends[i][name] ?? 0) - (p.start?.[name] ?? 0)) * 1000
      return {
        label: p.label,
        wakeUps: wakeUps(tasks) / minutes,
        tasks: tasks.length / minutes,
        cpuMs: delta('TaskDuration') / minutes,
        tracedCpuMs: tasks.reduce((sum, t) => sum + t.cpuMs, 0) / minutes,
        scriptMs: delta('ScriptDuration') / minutes,
      }
    })
  } finally {
    for (const p of pages) await p.context.close()
    server.backend.setHeartbeat(0)
    server.backend.setDuplicate('replace')
  }
}

interface HeapRun {
  baselineMiB: number
  afterMiB: number
  nodesBefore: number
  nodesAfter: number
  seconds: number
}

/** `ours.html` (defaults, popups on) over a generated session of `HEAP_TOTAL` messages; heap at 100k and at the end. */
async function measureHeap(browser: Browser, server: PageServer, log: (line: string) => void): Promise<HeapRun> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    const feedReady = server.nextFeed()
    await page.goto(`${server.url}/ours.html?url=/bench/feed`)
    const feed = await feedReady
    await page.waitForFunction(() => window.__bench?.isOpen() === true, null, { timeout: 15_000, polling: 50 })
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable')
    let sent = 0
    const sendUntil = async (total: number): Promise<void> => {
      while (sent < total) {
        const parts: string[] = []
        for (const end = Math.min(sent + MESSAGES_PER_WRITE, total); sent < end; sent++) parts.push(sessionMessage(sent))
        await feed.write(parts.join(''))
      }
      await page.waitForFunction((n) => window.__bench!.collect(0).delivered >= n, total, { timeout: 600_000, polling: 200 })
    }
    const heap = async (): Promise<{ mib: number; nodes: number }> => {
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage')
      const { usedSize } = await cdp.send('Runtime.getHeapUsage')
      return { mib: usedSize / 2 ** 20, nodes: (await metrics(cdp)).Nodes ?? 0 }
    }
    const start = now()
    await sendUntil(HEAP_BASELINE_AT)
    const before = await heap()
    await sendUntil(HEAP_TOTAL)
    const seconds = (now() - start) / 1000
    const after = await heap()
    feed.end()
    log(`rest: heap ${before.mib.toFixed(2)} MiB at ${HEAP_BASELINE_AT}, ${after.mib.toFixed(2)} MiB at ${HEAP_TOTAL} (${seconds.toFixed(1)} s)`)
    return { baselineMiB: before.mib, afterMiB: after.mib, nodesBefore: before.nodes, nodesAfter: after.nodes, seconds }
  } finally {
    await context.close()
  }
}

const restBench: BenchModule = {
  name: 'rest',
  async run({ log }): Promise<BenchRow[]> {
    const pages = await buildPages()
    const server = await startPageServer(pages.dir)
    const browser = await launchChromium()
    try {
      const rest = await measureRest(browser, server, log)
      const [ours, peer] = rest
      for (const r of rest) {
        log(
          `rest: ${r.label}: ${r.wakeUps.toFixed(1)} wake-ups/min (${r.tasks.toFixed(1)} tasks), ` +
            `${r.cpuMs.toFixed(2)} ms CPU/min (${r.scriptMs.toFixed(2)} ms script; traced ${r.tracedCpuMs.toFixed(2)} ms)`,
        )
      }
      const heap = await measureHeap(browser, server, log)
      const grown = heap.afterMiB - heap.baselineMiB
      const conditions =
        `Three pages side by side, each in its own browser context (renderer), each on its own stream of the ` +
        `same kind: no messages, a ": ping" every ${PING_MS / 1000} s. Ours: ours.html?share=1 (ssePlugin defaults: ` +
        `tab sharing and popups on; alone, it leads; the popup chunk with Element Plus loads at login). Peer: the ` +
        `same page and bundle (Vue app and Pinia mounted) with the browser's EventSource in place of the plugin ` +
        `(ours.html?pipeline=eventsource). Context: raw.html, the EventSource alone on an empty page. Measured ` +
        `for ${REST_MS / 1000} s, after a forced GC and 3 s of quiet`
      const restLine = (pick: (r: AtRest) => number, digits: number): string =>
        rest.map((r) => `${r.label} ${pick(r).toFixed(digits)}`).join(', ')
      return [
        {
          name: 'page at rest: main-thread wake-ups per minute',
          ours: ours.wakeUps,
          peer: peer.wakeUps,
          unit: '/min',
          ratio: ours.wakeUps / peer.wakeUps,
          target: `<= ${REST_RATIO.toFixed(2)}x`,
          pass: ours.wakeUps <= peer.wakeUps * REST_RATIO,
          detail:
            `${conditions}. A wake-up is a top-level task of the renderer's main thread (Chromium trace, 'toplevel') ` +
            `that starts after at least 1 ms idle: ${restLine((r) => r.wakeUps, 1)}; tasks per minute: ` +
            `${restLine((r) => r.tasks, 1)}. At rest no script of the library runs but on a ping (the fetch ` +
            `reader and the parser: as many tasks as EventSource's); the other tasks are Chromium's (V8 and ` +
            `Oilpan idle-time GC, memory monitors), more of them on a page with a larger heap.`,
        },
        {
          name: 'page at rest: main-thread CPU time per minute',
          ours: ours.cpuMs,
          peer: peer.cpuMs,
          unit: 'ms/min',
          ratio: ours.cpuMs / peer.cpuMs,
          target: `<= ${REST_RATIO.toFixed(2)}x`,
          pass: ours.cpuMs <= peer.cpuMs * REST_RATIO,
          detail:
            `Same pages, same minutes: CDP Performance.getMetrics TaskDuration (main-thread task time, thread ticks) ` +
            `over the window: ${restLine((r) => r.cpuMs, 2)} ms/min; of which ScriptDuration: ${restLine((r) => r.scriptMs, 2)}; ` +
            `CPU time of the trace's top-level main-thread tasks: ${restLine((r) => r.tracedCpuMs, 2)}. ` +
            `The empty page is context: it has no framework, so less heap to collect.`,
        },
        {
          name: `heap growth (Chromium), 100k -> ${shortCount(HEAP_TOTAL)} messages`,
          ours: grown,
          peer: null,
          unit: 'MiB',
          ratio: null,
          target: `<= ${HEAP_TARGET_MIB} MiB`,
          pass: grown <= HEAP_TARGET_MIB,
          detail:
            `ours.html (ssePlugin defaults, popups on, one tab) reading a stream written with backpressure: the session of ` +
            `the Node heap row (every calc run a new id, an alarm with its own id every 10th message), ${HEAP_TOTAL} ` +
            `messages in ${heap.seconds.toFixed(1)} s. V8 heap of the page (CDP Runtime.getHeapUsage after 3 ` +
            `HeapProfiler.collectGarbage) once the store has counted ${HEAP_BASELINE_AT} and ${HEAP_TOTAL}: ` +
            `${heap.baselineMiB.toFixed(2)} -> ${heap.afterMiB.toFixed(2)} MiB; DOM nodes ${heap.nodesBefore} -> ${heap.nodesAfter}.`,
        },
      ]
    } finally {
      await browser.close()
      await server.close()
      await pages.remove()
    }
  },
}

export default restBench
