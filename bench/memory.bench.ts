import { createPinia } from 'pinia'
import { createSseHub } from '../src/index'
import { sessionMessage, shortCount } from './sessionStream'
import { setting } from './settings'
import type { BenchModule, BenchRow } from './types'

const TOTAL = setting('BENCH_MEMORY_TOTAL', 1_000_000, 300_000)
const BASELINE_AT = 100_000
const MESSAGES_PER_CHUNK = 200
const TARGET_MB = 2

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('memory bench: run with --expose-gc (npm run bench does)')
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed
}

const until = async (predicate: () => boolean): Promise<void> => {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve))
}

const memoryBench: BenchModule = {
  name: 'memory',
  first: true,
  async run({ log }): Promise<BenchRow[]> {
    const encoder = new TextEncoder()
    let sent = 0
    let releaseBaseline!: () => void
    const baselineTaken = new Promise<void>((resolve) => {
      releaseBaseline = resolve
    })
    // A fetch whose stream produces the session on demand, holding at the baseline until measured.
    const fakeFetch = (async () => {
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent === BASELINE_AT) await baselineTaken
          if (sent >= TOTAL) return
          const parts: string[] = []
          for (let end = Math.min(sent + MESSAGES_PER_CHUNK, TOTAL); sent < end; sent++) parts.push(sessionMessage(sent))
          controller.enqueue(encoder.encode(parts.join('')))
        },
      })
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } })
    }) as typeof fetch

    const realFetch = globalThis.fetch
    globalThis.fetch = fakeFetch
    const pinia = createPinia()
    const hub = createSseHub({ url: 'http://127.0.0.1/api/sse', loggedIn: true, share: false, notify: false }, { pinia })
    try {
      const store = hub.store
      if (!store) throw new Error('memory bench: no store')
      const start = performance.now()
      await until(() => store.stats.received >= BASELINE_AT)
      const baseline = heapAfterGc()
      releaseBaseline()
      await until(() => store.stats.received >= TOTAL)
      const seconds = (performance.now() - start) / 1000
      const after = heapAfterGc()
      const grownMb = (after - baseline) / 2 ** 20
      log(
        `memory: ${TOTAL} messages in ${seconds.toFixed(1)} s; heap ${(baseline / 2 ** 20).toFixed(2)} MiB at ` +
          `${BASELINE_AT}, ${(after / 2 ** 20).toFixed(2)} MiB at ${TOTAL}; ${Object.keys(store.calcs).length} calcs, ` +
          `${store.alarms.length} alarms kept`,
      )
      if (store.stats.received !== TOTAL) throw new Error(`memory bench: the store counted ${store.stats.received}`)
      return [
        {
          name: `heap growth (Node), 100k -> ${shortCount(TOTAL)} messages`,
          ours: grownMb,
          peer: null,
          unit: 'MiB',
          ratio: null,
          target: `<= ${TARGET_MB} MiB`,
          pass: grownMb <= TARGET_MB,
          detail:
            `Node ${process.version}: createSseHub (fetch transport over a generated stream, share and popups off) into ` +
            `the Pinia store; ${TOTAL} messages (every calc run a new id, an alarm with its own id every 10th message); ` +
            `heapUsed after 3 forced GCs at ${BASELINE_AT} messages and at ${TOTAL}: ` +
            `${(baseline / 2 ** 20).toFixed(2)} -> ${(after / 2 ** 20).toFixed(2)} MiB. Kept at the end: ` +
            `${Object.keys(store.calcs).length} calcs, ${store.alarms.length} alarms (default bounds 200 / 500). ` +
            `${(TOTAL / seconds / 1000).toFixed(0)}k messages/s through the whole pipeline.`,
        },
      ]
    } finally {
      hub.dispose()
      globalThis.fetch = realFetch
    }
  },
}

export default memoryBench
