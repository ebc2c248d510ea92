import { createParser } from 'eventsource-parser'
import { createSseParser } from '../src/core/parser'
import { chunk, generateSseStream } from './sseStream'
import type { BenchModule, BenchRow } from './types'

const STREAM_BYTES = 50 * 1024 * 1024
const CHUNK_BYTES = 16 * 1024
const RUNS = 5
const TARGET_RATIO = 0.9

/** What a consumer observed, to check both sides did the same work. */
interface Pass {
  ms: number
  events: number
  checksum: number
}

// Ours: bytes in, `{ event, data, lastEventId }` out.
function runOurs(chunks: Uint8Array[]): Pass {
  let events = 0
  let checksum = 0
  const parser = createSseParser({
    onMessage(message) {
      events++
      checksum += message.data.length + message.event.length + message.lastEventId.length
    },
    onComment() {},
    onRetry() {},
  })
  const start = performance.now()
  for (const c of chunks) parser.feed(c)
  return { ms: performance.now() - start, events, checksum }
}

// eventsource-parser (the oracle of the parser's differential test) with the same decoding and output.
function runBare(chunks: Uint8Array[]): Pass {
  let events = 0
  let checksum = 0
  let lastEventId = ''
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  const parser = createParser({
    onEvent(event) {
      if (event.id !== undefined) lastEventId = event.id
      events++
      checksum += event.data.length + (event.event ?? 'message').length + lastEventId.length
    },
    onComment() {},
    onRetry() {},
  })
  const start = performance.now()
  for (const c of chunks) parser.feed(decoder.decode(c, { stream: true }))
  return { ms: performance.now() - start, events, checksum }
}

// The floor: decoding plus finding line ends, no parsing at all.
function runFloor(chunks: Uint8Array[]): Pass {
  let lines = 0
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  const start = performance.now()
  for (const c of chunks) {
    const text = decoder.decode(c, { stream: true })
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++
  }
  return { ms: performance.now() - start, events: lines, checksum: 0 }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const gc = (globalThis as { gc?: () => void }).gc

const parserBench: BenchModule = {
  name: 'parser',
  async run({ log }): Promise<BenchRow[]> {
    const stream = generateSseStream(STREAM_BYTES)
    const chunks = chunk(stream.bytes, CHUNK_BYTES)
    const mb = stream.bytes.length / 1e6
    log(`parser: ${mb.toFixed(1)} MB, ${stream.events} events, ${chunks.length} chunks of ${CHUNK_BYTES} bytes`)

    const sides = { ours: runOurs, bare: runBare, floor: runFloor }
    const speeds: Record<keyof typeof sides, number[]> = { ours: [], bare: [], floor: [] }
    const check = (name: string, pass: Pass): void => {
      if (name !== 'floor' && pass.events !== stream.events) {
        throw new Error(`parser bench: ${name} saw ${pass.events} events, the stream has ${stream.events}`)
      }
    }
    // One warm-up pass each, then interleaved measured passes; the order alternates so neither side
    // always runs right after the other's garbage.
    for (const [name, run] of Object.entries(sides)) check(name, run(chunks))
    const checksums: number[] = []
    for (let round = 0; round < RUNS; round++) {
      const order = (round % 2 ? ['bare', 'ours', 'floor'] : ['ours', 'bare', 'floor']) as (keyof typeof sides)[]
      for (const name of order) {
        gc?.()
        const pass = sides[name](chunks)
        check(name, pass)
        if (name !== 'floor') checksums.push(pass.checksum)
        speeds[name].push(mb / (pass.ms / 1000))
      }
    }
    if (new Set(checksums).size !== 1) throw new Error('parser bench: createSseParser and eventsource-parser disagree')

    const ours = median(speeds.ours)
    const bare = median(speeds.bare)
    const floor = median(speeds.floor)
    const fmt = (list: number[]): string => list.map((v) => v.toFixed(0)).join(', ')
    log(`parser: ours ${fmt(speeds.ours)} | bare ${fmt(speeds.bare)} | floor ${fmt(speeds.floor)} MB/s`)
    const ratio = ours / bare
    // Same-round ratios, for reading a run on a busy machine (neighbouring passes share the load).
    const paired = speeds.ours.map((v, i) => (v / speeds.bare[i]).toFixed(2)).join(', ')
    return [
      {
        name: 'SSE parser throughput',
        ours,
        peer: bare,
        unit: 'MB/s',
        ratio,
        target: `>= ${TARGET_RATIO.toFixed(2)}x`,
        pass: ratio >= TARGET_RATIO,
        detail:
          `createSseParser vs bare eventsource-parser + streaming TextDecoder on the same ${mb.toFixed(0)} MB ` +
          `generated stream (${stream.events} events: ids, event names, JSON with CJK, comments) in ` +
          `${CHUNK_BYTES / 1024} KiB Uint8Array chunks; median of ${RUNS} interleaved runs each. ` +
          `Per-round ratios: ${paired}. Floor (TextDecoder + indexOf('\\n'), no parsing): ${floor.toFixed(0)} MB/s.`,
      },
    ]
  },
}

export default parserBench
