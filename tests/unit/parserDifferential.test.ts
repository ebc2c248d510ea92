import { createParser } from 'eventsource-parser'
import { describe, expect, it } from 'vitest'
import { createSseParser } from '../../src/core/parser'
import { mulberry32 } from '../support/random'

// Invariant: for any stream, fed in any chunks (strings, bytes or both; cut inside multi-byte
// characters and between the CR and LF of one line end), createSseParser reports exactly what
// eventsource-parser reports for the same text fed whole: the same events (type, data, own id,
// last event id), retries and comments, in the same order, and the same final last event id.
//
// Where eventsource-parser departs from the WHATWG event stream interpretation, the spec wins; the
// oracle is fed so that it follows the spec:
// - It also drops a leading "ï»¿" (the UTF-8 bytes of a BOM read as Latin-1 text). The spec works on
//   decoded text, where only U+FEFF is a BOM, so "ï»¿data: x" is a line of an unknown field. The
//   oracle is given a U+FEFF of its own in front of a stream that lacks one: it drops that one, as
//   it drops only one, and reads the rest as text. The last test below shows the difference.

const SEEDS = 1000
const encoder = new TextEncoder()

type Entry = ['message', { event: string; data: string; lastEventId: string; id: string | undefined }] | ['retry', number] | ['comment', string]

interface Outcome {
  log: Entry[]
  lastEventId: string
}

type Random = () => number
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]
const int = (random: Random, max: number): number => Math.floor(random() * (max + 1))

const PIECES = ['a', 'Z', '0', ' ', '  ', ':', ': ', '{"k":1}', '数据', '压', '泵站压力过高', '🚨', '👨‍👩‍👧', '🙂', '\0', '\uFEFF', '\t', 'é', 'data', 'ï»¿']
const SEPARATORS = ['', ':', ': ', ':  ', ':\t']
const RETRIES = ['3000', '0', '007', '99999999999999999999', '12a', '-5', '1.5', ' 300', '', '１２', '٣', '3e3', '0x10']
const UNKNOWN = ['foo', 'Data', 'EVENT', 'ID', 'Retry', 'dat', 'datax', 'ids', 'retryx', 'ev ent', ' data', 'd', 'i']
const EVENTS = ['add', 'message', '告警', 'ping 🚨', '']

function text(random: Random): string {
  let s = ''
  for (let n = int(random, 5); n > 0; n--) s += pick(random, PIECES)
  // Now and then a line long enough to arrive in many chunks.
  return random() < 0.01 ? s + '长'.repeat(3000) + s : s
}

function line(random: Random): string {
  const roll = random()
  if (roll < 0.3) return `data${pick(random, SEPARATORS)}${text(random)}`
  if (roll < 0.38) return `data${pick(random, ['', ':', ': '])}`
  if (roll < 0.5) return '' // dispatches the block
  if (roll < 0.58) return `event${pick(random, SEPARATORS)}${random() < 0.5 ? pick(random, EVENTS) : text(random)}`
  if (roll < 0.68) return `id${pick(random, SEPARATORS)}${random() < 0.3 ? text(random) : String(int(random, 999))}${random() < 0.15 ? '\0' : ''}`
  if (roll < 0.76) return `retry${pick(random, SEPARATORS)}${pick(random, RETRIES)}`
  if (roll < 0.86) return `:${text(random)}`
  return `${pick(random, UNKNOWN)}${pick(random, SEPARATORS)}${text(random)}`
}

/** A random stream: optional BOMs, random lines with one line-ending habit per stream, maybe an unfinished end. */
function stream(random: Random): string {
  const ends = pick(random, [['\n'], ['\r\n'], ['\r'], ['\n', '\r\n', '\r']])
  let s = pick(random, ['', '', '', '\uFEFF', '\uFEFF\uFEFF', 'ï»¿', '\n'])
  for (let n = 1 + int(random, 40); n > 0; n--) s += line(random) + pick(random, ends)
  if (random() < 0.3) s += line(random)
  return s
}

function oracle(input: string): Outcome {
  const log: Entry[] = []
  let lastEventId = ''
  const parser = createParser({
    onId: (id) => (lastEventId = id),
    onEvent: (e) => log.push(['message', { event: e.event ?? 'message', data: e.data, lastEventId, id: e.id }]),
    onRetry: (ms) => log.push(['retry', ms]),
    onComment: (comment) => log.push(['comment', comment]),
  })
  parser.feed(input.startsWith('\uFEFF') ? input : `\uFEFF${input}`)
  return { log, lastEventId }
}

function ours(chunks: Array<string | Uint8Array>): Outcome {
  const log: Entry[] = []
  const parser = createSseParser({
    onMessage: (m) => log.push(['message', { event: m.event, data: m.data, lastEventId: m.lastEventId, id: m.id }]),
    onRetry: (ms) => log.push(['retry', ms]),
    onComment: (comment) => log.push(['comment', comment]),
    onError: (error) => {
      throw error
    },
  })
  for (const chunk of chunks) parser.feed(chunk)
  return { log, lastEventId: parser.lastEventId }
}

/** Cuts `length` units at random places, and after a CR (at `isCr`) one time in two. */
function cuts(random: Random, length: number, isCr: (i: number) => boolean): number[] {
  const rate = 0.02 + random() * 0.5
  const at = [0]
  for (let i = 1; i < length; i++) if (random() < rate || (isCr(i - 1) && random() < 0.5)) at.push(i)
  at.push(length)
  return at
}

function byteChunks(random: Random, input: string): Uint8Array[] {
  const bytes = encoder.encode(input)
  const at = cuts(random, bytes.length, (i) => bytes[i] === 13)
  return at.slice(1).map((end, k) => bytes.slice(at[k], end))
}

function stringChunks(random: Random, input: string): string[] {
  const at = cuts(random, input.length, (i) => input.charCodeAt(i) === 13)
  return at.slice(1).map((end, k) => input.slice(at[k], end))
}

/** Pieces cut between code points, each fed as a string or as bytes cut anywhere. */
function mixedChunks(random: Random, input: string): Array<string | Uint8Array> {
  const points = [...input]
  const chunks: Array<string | Uint8Array> = []
  for (let i = 0; i < points.length; ) {
    const piece = points.slice(i, (i += 1 + int(random, 12))).join('')
    chunks.push(...(random() < 0.5 ? [piece] : byteChunks(random, piece)))
  }
  return chunks
}

/** What the chunkings of a run actually exercised, so a generator change cannot empty the test. */
interface Coverage {
  crLfSplit: number
  characterSplit: number
  events: number
  retries: number
}

function measure(chunks: Array<string | Uint8Array>, outcome: Outcome, coverage: Coverage): void {
  for (let k = 1; k < chunks.length; k++) {
    const [before, after] = [chunks[k - 1], chunks[k]]
    const last = typeof before === 'string' ? before.charCodeAt(before.length - 1) : before[before.length - 1]
    const first = typeof after === 'string' ? after.charCodeAt(0) : after[0]
    if (last === 13 && first === 10) coverage.crLfSplit++
    if (typeof after !== 'string' && (first & 0xc0) === 0x80) coverage.characterSplit++
  }
  for (const [kind] of outcome.log) {
    if (kind === 'message') coverage.events++
    if (kind === 'retry') coverage.retries++
  }
}

const chunkings = { bytes: byteChunks, strings: stringChunks, 'strings and bytes': mixedChunks }

describe('createSseParser agrees with eventsource-parser on random streams in random chunks', () => {
  for (const [name, chunking] of Object.entries(chunkings)) {
    it(`${name}, ${SEEDS} seeds`, () => {
      const coverage: Coverage = { crLfSplit: 0, characterSplit: 0, events: 0, retries: 0 }
      for (let seed = 1; seed <= SEEDS; seed++) {
        const random = mulberry32(seed)
        const input = stream(random)
        const expected = oracle(input)
        const chunks = chunking(random, input)
        const actual = ours(chunks)
        measure(chunks, actual, coverage)
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          expect(actual, `seed ${seed} (${name} chunks): ${JSON.stringify(input)} in ${chunks.length} chunks`).toEqual(expected)
        }
      }
      expect(coverage.crLfSplit).toBeGreaterThan(20)
      if (name !== 'strings') expect(coverage.characterSplit).toBeGreaterThan(20)
      expect(coverage.events).toBeGreaterThan(SEEDS)
      expect(coverage.retries).toBeGreaterThan(20)
    })
  }
})

describe('where eventsource-parser departs from the spec', () => {
  it('a stream starting with "ï»¿" (a BOM\'s bytes read as Latin-1) keeps it: the first line is an unknown field', () => {
    const input = 'ï»¿data: a\n\ndata: b\n\n'
    const data = (outcome: Outcome): string[] => outcome.log.flatMap(([kind, value]) => (kind === 'message' ? [value.data] : []))
    expect(data(ours([input]))).toEqual(['b'])
    expect(data(ours([encoder.encode(input)]))).toEqual(['b'])
    // The oracle as such, without the U+FEFF the differential test gives it.
    const oracleAlone: string[] = []
    createParser({ onEvent: (e) => oracleAlone.push(e.data) }).feed(input)
    expect(oracleAlone).toEqual(['a', 'b'])
  })
})
