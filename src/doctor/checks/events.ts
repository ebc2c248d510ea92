// Check: every event has an id that never repeats, JSON data with a messageType, and a sane retry.
import { isRecord } from '../../core/isRecord'
import { isBuiltInType, typeLabel } from '../../core/protocol'
import { isOpenStream, mainConnection } from '../observations'
import type { Observations } from '../observations'
import { finding } from '../result'
import type { Finding } from '../result'
import { compareNumericIds, eventsOf, isNumericId } from './timeline'
import type { EventArrival } from './timeline'

/** Below this the client's backoff counts `retry:` as 100 ms (docs/backend.md). */
const RETRY_FLOOR_MS = 100
/** The client's default `reconnect.maxDelay`, which caps every wait. */
const RETRY_CAP_MS = 30_000
/** Numeric ids all below this look like a counter that started at 1 in this process. */
const SMALL_ID_LIMIT = 1000

/** What every event must be: an id that never repeats (and grows, when numeric), JSON with a messageType. */
export function checkEvents(observations: Observations): Finding[] {
  const all = observations.connections.flatMap((c) => eventsOf(c.probe))
  const main = mainConnection(observations).probe
  const retry = checkRetry(observations)
  if (all.length === 0) {
    const why = isOpenStream(main)
      ? finding('ids', 'skip', 'events.none', { listened: observations.listenedUntil, trigger: observations.options.trigger !== undefined })
      : finding('ids', 'skip', 'events.noStream', {})
    return [why, { ...why, check: 'id-order' }, { ...why, check: 'event-data' }, retry]
  }
  const unique = withoutReplays(all)
  return [checkIdsPresent(unique), checkIdOrder(observations), checkData(unique), retry]
}

/** The events with a replayed one (same id, same data) counted once. */
function withoutReplays(all: EventArrival[]): EventArrival[] {
  const seen = new Set<string>()
  return all.filter((e) => {
    if (e.id === undefined || e.id === '') return true
    const key = `${e.id}\n${e.data}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function checkIdsPresent(unique: EventArrival[]): Finding {
  const missing = unique.filter((e) => e.id === undefined || e.id === '').length
  if (missing > 0) return finding('ids', 'fail', 'ids.missing', { missing, total: unique.length })
  return finding('ids', 'pass', 'ids.ok', { total: unique.length })
}

/**
 * Across every connection, in order: an id seen before must carry the same data (a replay), a new
 * id must be new, and numeric ids grow within a stream and from one stream to the next.
 */
function checkIdOrder(observations: Observations): Finding {
  const known = new Map<string, string>()
  let highest: string | undefined
  let numeric = true
  for (const { probe } of observations.connections) {
    const inStream = new Set<string>()
    let previous: string | undefined
    for (const event of eventsOf(probe)) {
      const id = event.id
      if (id === undefined || id === '') continue
      if (inStream.has(id)) return finding('id-order', 'fail', 'idOrder.repeated', { id })
      const before = known.get(id)
      if (before !== undefined && before !== event.data) return finding('id-order', 'fail', 'idOrder.reused', { id })
      numeric &&= isNumericId(id)
      if (numeric && previous !== undefined && compareNumericIds(id, previous) <= 0) {
        return finding('id-order', 'fail', 'idOrder.backwards', { id, after: previous })
      }
      if (numeric && before === undefined && highest !== undefined && compareNumericIds(id, highest) <= 0) {
        return finding('id-order', 'fail', 'idOrder.backwards', { id, after: highest })
      }
      inStream.add(id)
      known.set(id, event.data)
      previous = id
      if (numeric && (highest === undefined || compareNumericIds(id, highest) > 0)) highest = id
    }
  }
  const count = known.size
  if (count === 0) return finding('id-order', 'skip', 'idOrder.noIds', {})
  if (!numeric) return finding('id-order', 'pass', 'idOrder.opaque', { count })
  const ids = [...known.keys()]
  const first = ids.reduce((a, b) => (compareNumericIds(a, b) <= 0 ? a : b))
  if (compareNumericIds(highest!, String(SMALL_ID_LIMIT)) < 0) return finding('id-order', 'warn', 'idOrder.small', { first, last: highest! })
  return finding('id-order', 'pass', 'idOrder.ok', { count, first, last: highest! })
}

function checkData(unique: EventArrival[]): Finding {
  const types = new Map<string, number>()
  const invalid: EventArrival[] = []
  const untyped: EventArrival[] = []
  const named = new Set<string>()
  for (const event of unique) {
    let parsed: unknown
    try {
      parsed = JSON.parse(event.data)
    } catch {
      invalid.push(event)
      continue
    }
    const type = isRecord(parsed) ? parsed.messageType : undefined
    if ((typeof type === 'string' && type !== '') || typeof type === 'number') {
      types.set(String(type), (types.get(String(type)) ?? 0) + 1)
    } else if (event.event !== 'message') {
      named.add(event.event)
      types.set(event.event, (types.get(event.event) ?? 0) + 1)
    } else untyped.push(event)
  }
  const summary = [...types].map(([type, n]) => `${typeLabel(type)} ×${n}`).join(', ')
  const total = unique.length
  if (invalid.length > 0) return finding('event-data', 'fail', 'data.invalid', { count: invalid.length, total, id: invalid[0].id ?? '' })
  if (untyped.length > 0) return finding('event-data', 'fail', 'data.noType', { count: untyped.length, total, id: untyped[0].id ?? '' })
  if (named.size > 0) return finding('event-data', 'warn', 'data.eventName', { names: [...named].join(', ') })
  const unknown = [...types.keys()].filter((type) => !isBuiltInType(type))
  if (unknown.length > 0) return finding('event-data', 'warn', 'data.unknown', { types: summary, unknown: unknown.join(', ') })
  return finding('event-data', 'pass', 'data.ok', { types: summary, total })
}

function checkRetry(observations: Observations): Finding {
  const main = mainConnection(observations).probe
  if (!isOpenStream(main)) return finding('retry', 'skip', 'events.noStream', {})
  const retries = main.arrivals.filter((a) => a.kind === 'retry')
  const last = retries[retries.length - 1]
  if (!last) return finding('retry', 'pass', 'retry.none', {})
  if (last.ms < RETRY_FLOOR_MS) return finding('retry', 'warn', 'retry.tooSmall', { ms: last.ms })
  if (last.ms > RETRY_CAP_MS) return finding('retry', 'warn', 'retry.overCap', { ms: last.ms })
  return finding('retry', 'pass', 'retry.ok', { ms: last.ms })
}
