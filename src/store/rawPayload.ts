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

/** A payload as the store keeps it: a raw shallow copy without Vue's flag keys; anything but an object as it is. */
export function rawCopy(data: unknown): unknown {
  if (!isRecord(data)) return data
  const copy = { ...data }
  for (const flag of vueFlags) if (flag in copy) delete copy[flag]
  return markRaw(copy)
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
