// The arrival timeline of a stream: events, silences and bursts, for the timing checks.
import type { Arrival, StreamProbe } from '../probe'

/** An event as the doctor saw it arrive. */
export type EventArrival = Extract<Arrival, { kind: 'event' }>

/** Chunks that arrived back to back: one read of a buffer that something released at once. */
export interface Burst {
  /** ms after the request: first and last chunk. */
  start: number
  end: number
  /** Silence before it: since the previous burst, or since the request for the first. */
  silenceBefore: number
  events: number
  comments: number
  /** Everything parsed from it: events, comments and `retry:` lines. */
  units: number
}

/** Chunks closer than this belong to one burst. */
const BURST_GAP_MS = 30

export function eventsOf(probe: StreamProbe): EventArrival[] {
  return probe.arrivals.filter((a): a is EventArrival => a.kind === 'event')
}

/** The ids of a probe's events, in order (events without an id left out). */
export function eventIds(probe: StreamProbe): string[] {
  return eventsOf(probe).flatMap((e) => (e.id === undefined || e.id === '' ? [] : [e.id]))
}

export function isNumericId(id: string): boolean {
  return /^\d+$/.test(id)
}

/** Compares two ids made of digits as numbers of any size. */
export function compareNumericIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  if (x.length !== y.length) return x.length - y.length
  return x < y ? -1 : x > y ? 1 : 0
}

/** Groups a probe's chunks into bursts, with what each delivered. */
export function burstsOf(probe: StreamProbe): Burst[] {
  const bursts: Burst[] = []
  let previousEnd = 0
  for (const chunk of probe.chunks) {
    const last = bursts[bursts.length - 1]
    if (last && chunk.at - last.end <= BURST_GAP_MS) {
      last.end = chunk.at
      continue
    }
    if (last) previousEnd = last.end
    bursts.push({ start: chunk.at, end: chunk.at, silenceBefore: chunk.at - previousEnd, events: 0, comments: 0, units: 0 })
  }
  // Each arrival belongs to the burst during (or just after: decompression) which it was parsed.
  for (const arrival of probe.arrivals) {
    const burst = [...bursts].reverse().find((b) => arrival.at >= b.start)
    if (!burst) continue
    burst.units++
    if (arrival.kind === 'event') burst.events++
    if (arrival.kind === 'comment') burst.comments++
  }
  return bursts
}

/** The longest time without a byte while the stream was open, and when it started. */
export function longestSilence(probe: StreamProbe, until: number): { ms: number; from: number } {
  const opened = probe.response?.at ?? 0
  const times = [opened, ...probe.chunks.map((c) => c.at), Math.max(opened, until)]
  let best = { ms: 0, from: opened }
  for (let i = 1; i < times.length; i++) {
    const gap = times[i] - times[i - 1]
    if (gap > best.ms) best = { ms: gap, from: times[i - 1] }
  }
  return best
}

/** The time of the last byte received (the answer's own time when no byte came). */
export function lastByteAt(probe: StreamProbe): number {
  return probe.chunks[probe.chunks.length - 1]?.at ?? probe.response?.at ?? 0
}
