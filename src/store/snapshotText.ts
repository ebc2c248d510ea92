// A store snapshot as JSON text, for a tab that joins: one payload that cannot be written costs only itself.
import { createCalcMap } from './state'
import type { SseSnapshot } from './state'

/**
 * A store snapshot as JSON text, for a tab that joins. Text always crosses a BroadcastChannel, where
 * structured clone refuses Vue's proxies and a payload nested too deep. A record whose payload cannot
 * be written at all (nested deeper than JSON.stringify goes, a cycle) goes without it, and
 * `onPayloadDropped` hears of it: one bad message costs only itself, never the whole snapshot.
 */
export function snapshotToText(snapshot: SseSnapshot, onPayloadDropped: (what: string) => void): string {
  try {
    return JSON.stringify(snapshot)
  } catch {
    // Some payload cannot be written: find it, record by record.
  }
  const calcs = createCalcMap()
  for (const id in snapshot.calcs) calcs[id] = writable(snapshot.calcs[id], `calc ${id}`, onPayloadDropped)
  const alarms = snapshot.alarms.map((alarm) => writable(alarm, `alarm ${alarm.id}`, onPayloadDropped))
  const scada = writable(snapshot.scada, 'SCADA pull', onPayloadDropped)
  return JSON.stringify({ ...snapshot, calcs, alarms, scada })
}

function writable<T extends { data: unknown }>(record: T, what: string, onPayloadDropped: (what: string) => void): T {
  try {
    JSON.stringify(record.data)
    return record
  } catch {
    onPayloadDropped(what)
    return { ...record, data: {} }
  }
}
