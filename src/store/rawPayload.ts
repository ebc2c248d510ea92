// Payloads as the store keeps them: a shallow copy marked raw, so Vue never deep-proxies them and the
// object the listeners receive is left untouched.
import { markRaw } from 'vue'
import { isRecord } from '../core/isRecord'
import { createCalcMap } from './state'
import type { SseSnapshot } from './state'

// Keys Vue reads on any object as its own flags. From a server they would make Vue take the payload
// for a ref (`__v_isRef`: read as its `value`), for a proxy of another object (`__v_raw`: the record
// would keep that object instead) or for reactive or readonly state.
const vueFlags = ['__v_isRef', '__v_raw', '__v_isReactive', '__v_isReadonly', '__v_isShallow', '__v_skip'] as const

// Marks the copies made here, so that one is not copied again: a key no server or decoder can send,
// not enumerable (spreads, JSON and structured clone leave it out). A WeakSet of the copies would do
// it too, but its table keeps the size of the most copies alive at once, and a burst makes many.
const kept: unique symbol = Symbol('kept by the store')

/** A payload as the store keeps it: a raw shallow copy without Vue's flag keys; anything but an object as it is. */
export function rawCopy(data: unknown): unknown {
  if (!isRecord(data)) return data
  const copy = { ...data }
  for (const flag of vueFlags) if (flag in copy) delete copy[flag]
  Object.defineProperty(copy, kept, { value: true })
  return markRaw(copy)
}

/**
 * A payload as the store keeps it, copied unless it is a copy already: the hub writes a calc's payload
 * as received while it delivers a group of messages, and only the last one of each calc is copied.
 */
export function keptPayload(data: unknown): unknown {
  return isRecord(data) && kept in data ? data : rawCopy(data)
}

/** A copy of a snapshot's record with its payload made raw; anything else unchanged. */
function withRawData(record: unknown): unknown {
  return isRecord(record) ? { ...record, data: rawCopy(record.data) } : record
}

/** A snapshot from another tab with every payload as the store keeps it; a value that is no snapshot as it is. */
export function rawSnapshot(value: unknown): unknown {
  const snap = value as Partial<SseSnapshot>
  if (!isRecord(value) || typeof snap.calcs !== 'object' || !Array.isArray(snap.alarms)) return value
  const calcs = createCalcMap<unknown>()
  for (const id in snap.calcs) calcs[id] = withRawData(snap.calcs[id])
  return { ...snap, calcs, alarms: snap.alarms.map(withRawData), scada: withRawData(snap.scada) }
}
