// Handing the data to another tab: a plain copy of it, and merging such a copy into the data here.
import { isRecord } from '../core/isRecord'
import { adoptCalcs } from './calcs'
import { enforceBounds } from './reducers'
import type { rawSnapshot } from './rawPayload'
import { createCalcMap } from './state'
import type { AlarmRecord, CalcRecord, SseSnapshot, SseState, SseStats } from './state'

/** What the store needs to hand its data to another tab and take it from one: loaded with tab sharing. */
export interface SnapshotExchange {
  takeSnapshot: typeof takeSnapshot
  hydrateState: typeof hydrateState
  rawSnapshot: typeof rawSnapshot
}

/** A plain copy of the data (not the connection): serialisable, sharing nothing mutable with the state. */
export function takeSnapshot(state: SseState): SseSnapshot {
  const calcs = createCalcMap()
  for (const id in state.calcs) calcs[id] = { ...state.calcs[id] }
  return {
    version: 1,
    calcs,
    alarms: state.alarms.map((alarm) => ({ ...alarm })),
    scada: { ...state.scada },
    stats: { ...state.stats },
  }
}

/**
 * Merges a snapshot (e.g. from another tab) into the state: a calc is taken unless the local one is
 * newer, alarms are merged by id (read when read in either), the newer SCADA pull wins and each counter
 * keeps the larger value. Returns false when the value is not a snapshot this version understands.
 */
export function hydrateState(state: SseState, snapshot: unknown, bounds: { maxAlarms: number; maxCalcs: number }): boolean {
  if (!isSnapshot(snapshot)) return false
  mergeCalcs(state, snapshot.calcs)
  mergeAlarms(state, snapshot.alarms)
  const scada = snapshot.scada
  const pulledAt = scada?.lastPulledAt
  if (typeof pulledAt === 'number' && pulledAt > (state.scada.lastPulledAt ?? -Infinity)) {
    state.scada.lastPulledAt = pulledAt
    state.scada.data = scada.data
  }
  for (const key of Object.keys(state.stats) as Array<keyof SseStats>) {
    const value = snapshot.stats?.[key]
    if (typeof value === 'number' && value > state.stats[key]) state.stats[key] = value
  }
  enforceBounds(state, bounds)
  return true
}

/** Takes each calc of the snapshot unless the local one is newer, and numbers the runs again in the order they started. */
function mergeCalcs(state: SseState, incoming: SseSnapshot['calcs']): void {
  const local = state.calcs
  const merged = Object.values(local)
  for (const id in incoming) {
    const record = incoming[id]
    if (!isRecordWith<CalcRecord>(record, 'updatedAt') || record.id !== id) continue
    const mine = local[id]
    if (mine === undefined) merged.push({ ...record })
    else if (record.updatedAt > mine.updatedAt) merged[merged.indexOf(mine)] = { ...record }
  }
  merged.sort((a, b) => runTime(a) - runTime(b) || a.seq - b.seq)
  for (const id in local) delete local[id]
  let seq = 0
  for (const record of merged) {
    record.seq = ++seq
    local[record.id] = record
  }
  adoptCalcs(state)
}

/** Unites the alarms by id, newest first; an alarm read in either is read. */
function mergeAlarms(state: SseState, incoming: SseSnapshot['alarms']): void {
  const alarms = new Map(state.alarms.map((alarm) => [alarm.id, alarm]))
  for (const record of incoming) {
    if (!isRecordWith<AlarmRecord>(record, 'receivedAt')) continue
    const mine = alarms.get(record.id)
    if (mine === undefined) alarms.set(record.id, { ...record })
    else if (record.read && !mine.read) alarms.set(mine.id, { ...mine, read: true })
  }
  const sorted = [...alarms.values()].sort((a, b) => b.receivedAt - a.receivedAt)
  state.alarms.splice(0, state.alarms.length, ...sorted)
}

function runTime(record: CalcRecord): number {
  return record.startedAt ?? record.endedAt ?? record.updatedAt
}

function isSnapshot(value: unknown): value is SseSnapshot {
  return isRecord(value) && value.version === 1 && isRecord(value.calcs) && Array.isArray(value.alarms)
}

/** A record in a snapshot: an object with a string id and a numeric time under `timeKey`. */
function isRecordWith<T>(value: unknown, timeKey: 'updatedAt' | 'receivedAt'): value is T {
  return isRecord(value) && typeof value.id === 'string' && typeof value[timeKey] === 'number'
}
