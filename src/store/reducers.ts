import { isRecord } from '../core/isRecord'
import type { RelayedConnectionState } from '../core/relayedState'
import type { SseRole } from '../core/role'
import { calcMessageTypes, EventType, isAlarmType, isSuccessStatus } from '../core/protocol'
import type { AlarmLevel, AlarmPayload, CalcKind, CalcPayload, ScadaPayload, SseMessage } from '../core/protocol'

// Pure state changes: plain objects in, the same objects mutated, no Vue and no clock (time comes in
// through the context). The store runs them on its reactive state; tests and benchmarks on plain objects.

/**
 * What the store knows about the connection (plain data, never a live object): the state a leader
 * relays, without the reconnect count (kept per login in `stats.reconnects`), plus this tab's role.
 */
export interface ConnectionSnapshot extends Omit<RelayedConnectionState, 'reconnects'> {
  /** Which part this tab plays in the shared connection. */
  role: SseRole
}

export type CalcStatus = 'running' | 'succeeded' | 'failed'

/** One calculation run, keyed by `String(calcId)`, or by its kind when the server sends no calcId. */
export interface CalcRecord {
  id: string
  kind: CalcKind
  /** `calcName` of the latest message that had one. */
  name: string | null
  status: CalcStatus
  /** 0–100; never decreases within a run; 100 on success. */
  progress: number
  /** When the run started (ms since epoch); null when only its end was seen. */
  startedAt: number | null
  endedAt: number | null
  /** `message` of the latest message that had one. */
  message: string | null
  /** The latest payload, unchanged. */
  data: CalcPayload
  /** When the latest message about this calc arrived. */
  updatedAt: number
  /** Increases with every new run across all calcs: the larger, the more recent the run. */
  seq: number
}

export type AlarmKind = 'alarm' | 'anomaly'

/**
 * One eventAlarm (`4`) or dataAnomaly (`7`) message. Records are never changed in place: acknowledging
 * one replaces it, so a component holding the old object sees a new one.
 */
export interface AlarmRecord {
  /** `alarmId`, or generated from the messageType and the event id (or a counter). */
  id: string
  kind: AlarmKind
  /** The messageType it came with. */
  type: string
  /** The payload's level when it is a known one, else `warning`. */
  level: AlarmLevel
  title: string
  content: string
  /** The payload's `time`, as sent. */
  time: string | number | null
  /** When it arrived (ms since epoch). */
  receivedAt: number
  read: boolean
  /** The whole payload, unchanged. */
  data: AlarmPayload
}

export interface ScadaState {
  /** When the last SCADA pull notification arrived (ms since epoch). */
  lastPulledAt: number | null
  data: ScadaPayload | null
}

export interface SseStats {
  /** Messages decoded and applied. */
  received: number
  /** Messages the decoder rejected. */
  malformed: number
  /** Messages of a messageType the library does not know. */
  unknownType: number
  /** Listener calls that threw. */
  handlerErrors: number
  /** Reconnections after the first open. */
  reconnects: number
}

/**
 * The bound's queues and the counter behind run order and generated ids: what the data alone does not
 * tell (two calcs may end in the same millisecond), kept beside it and never part of a snapshot.
 */
export interface SseIndex {
  /** Ids of running calcs, in the order their runs started: the bound drops the first when none ended. */
  running: Set<string>
  /** Ids of finished calcs, in the order they ended: the bound drops the first. */
  finished: Set<string>
  /** Source of calc `seq` and of generated alarm ids. */
  counter: number
}

export interface SseState {
  connection: ConnectionSnapshot
  calcs: Record<string, CalcRecord>
  /** Newest first. */
  alarms: AlarmRecord[]
  scada: ScadaState
  stats: SseStats
  index: SseIndex
}

/** What `applyMessage` needs besides the message. */
export interface ApplyContext {
  /** The current time, ms since epoch. */
  now: number
  /** Calc end statuses that mean success. */
  successStatuses: ReadonlyArray<number | string>
  maxAlarms: number
  maxCalcs: number
}

/** What a message changed: the part of the state, or null when it changed nothing. */
export type ApplyResult = 'calc' | 'alarm' | 'scada' | null

/** The plain, serialisable copy handed from one tab to another. */
export interface SseSnapshot {
  version: 1
  calcs: Record<string, CalcRecord>
  alarms: AlarmRecord[]
  scada: ScadaState
  stats: SseStats
}

export function createConnectionSnapshot(): ConnectionSnapshot {
  return {
    status: 'idle',
    lastEventId: '',
    attempt: 0,
    error: null,
    openedAt: null,
    lastMessageAt: null,
    role: 'solo',
  }
}

export function createStats(): SseStats {
  return { received: 0, malformed: 0, unknownType: 0, handlerErrors: 0, reconnects: 0 }
}

export function createIndex(): SseIndex {
  return { running: new Set(), finished: new Set(), counter: 0 }
}

/**
 * An empty map of calcs by id. Ids come from the server: without a prototype, `__proto__`,
 * `constructor` or `toString` are ids like any other.
 */
export function createCalcMap<T = CalcRecord>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

export function createInitialState(): SseState {
  return {
    connection: createConnectionSnapshot(),
    calcs: createCalcMap(),
    alarms: [],
    scada: { lastPulledAt: null, data: null },
    stats: createStats(),
    index: createIndex(),
  }
}

const alarmLevels: unknown[] = ['info', 'warning', 'error', 'critical'] satisfies AlarmLevel[]

/** Whether a calc end message reports success: `isTrace === 1` for trace ends, else a success status. */
export function isCalcSuccess(type: string, data: unknown, successStatuses: ReadonlyArray<number | string>): boolean {
  const payload = asRecord(data)
  if (type === EventType.traceCalcEnd) return payload.isTrace === 1
  return isSuccessStatus(payload.status, successStatuses)
}

/** Applies one message to the state. Unknown messageTypes change nothing (the store counts them). */
export function applyMessage(state: SseState, message: SseMessage, ctx: ApplyContext): ApplyResult {
  const type = message.type
  const calc = Object.hasOwn(calcMessageTypes, type) ? calcMessageTypes[type] : undefined
  if (calc !== undefined) {
    return applyCalc(state, message, calc[0], calc[1], ctx) ? 'calc' : null
  }
  if (isAlarmType(type)) {
    return addAlarm(state, message, ctx) ? 'alarm' : null
  }
  if (type === EventType.scada) {
    state.scada.lastPulledAt = ctx.now
    state.scada.data = asRecord(message.data) as ScadaPayload
    return 'scada'
  }
  return null
}

function applyCalc(
  state: SseState,
  message: SseMessage,
  kind: CalcKind,
  phase: 'start' | 'end' | 'progress',
  ctx: ApplyContext,
): boolean {
  const data = asRecord(message.data) as CalcPayload
  const id = payloadId(data.calcId) ?? kind
  const now = ctx.now
  const index = state.index
  let record = state.calcs[id]

  if (phase === 'progress' && record !== undefined && record.status !== 'running') return false

  if (record === undefined || (phase === 'start' && (record.status !== 'running' || record.kind !== kind))) {
    // A new calc, or a new run of one that ended (or of another kind): it becomes the most recent.
    state.calcs[id] = {
      id,
      kind,
      name: null,
      status: 'running',
      progress: 0,
      startedAt: phase === 'end' ? null : now,
      endedAt: null,
      message: null,
      data,
      updatedAt: now,
      seq: ++index.counter,
    }
    // Read back: in the store `calcs` is reactive, and only changes made through its proxy are seen.
    record = state.calcs[id]
    index.finished.delete(id)
    index.running.delete(id)
    index.running.add(id)
  }

  if (typeof data.calcName === 'string') record.name = data.calcName
  if (typeof data.message === 'string') record.message = data.message
  record.data = data
  record.updatedAt = now

  if (phase === 'progress') {
    const progress = toProgress(data.progress)
    if (progress !== null && progress > record.progress) record.progress = progress
  } else if (phase === 'end') {
    const success = isCalcSuccess(message.type, data, ctx.successStatuses)
    record.status = success ? 'succeeded' : 'failed'
    if (success) record.progress = 100
    record.endedAt = now
    // Re-adding moves it to the end: finished runs are dropped in the order they ended.
    index.running.delete(id)
    index.finished.delete(id)
    index.finished.add(id)
  }

  enforceCalcBound(state, ctx.maxCalcs)
  return true
}

/** A usable id from a payload: a non-empty string or a finite number, as a string. */
function payloadId(value: unknown): string | undefined {
  return (typeof value === 'string' && value !== '') || Number.isFinite(value) ? String(value) : undefined
}

/** A usable progress value clamped to 0..100, or null when the value is not a number. */
function toProgress(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
  if (Number.isNaN(n)) return null
  return n < 0 ? 0 : n > 100 ? 100 : n
}

function enforceCalcBound(state: SseState, maxCalcs: number): void {
  const { running, finished } = state.index
  const max = bound(maxCalcs)
  while (running.size + finished.size > max) {
    // The finished run that ended longest ago; only when every kept calc runs, the oldest running one.
    const from = finished.size > 0 ? finished : running
    const id = from.values().next().value as string
    from.delete(id)
    delete state.calcs[id]
  }
}

function addAlarm(state: SseState, message: SseMessage, ctx: ApplyContext): boolean {
  const data = asRecord(message.data) as AlarmPayload
  const id = alarmId(state, message, data)
  if (id === null) return false
  const level = alarmLevels.includes(data.level) ? (data.level as AlarmLevel) : 'warning'
  state.alarms.unshift({
    id,
    kind: message.type === EventType.dataAnomaly ? 'anomaly' : 'alarm',
    type: message.type,
    level,
    title: typeof data.title === 'string' ? data.title : '',
    content: typeof data.content === 'string' ? data.content : '',
    time: typeof data.time === 'string' || typeof data.time === 'number' ? data.time : null,
    receivedAt: ctx.now,
    read: false,
    data,
  })
  enforceAlarmBound(state, ctx.maxAlarms)
  return true
}

/** The new alarm's id, or null when the same alarm is already in the list. */
function alarmId(state: SseState, message: SseMessage, data: AlarmPayload): string | null {
  const given = payloadId(data.alarmId)
  if (given !== undefined) return findAlarm(state, given) ? null : given
  if (message.id) {
    const id = `${message.type}-${message.id}`
    const existing = findAlarm(state, id)
    if (existing === undefined) return id
    // The event id persists across events without their own id, so only an equal payload is a repeat.
    return samePayload(existing.data, data) ? null : uniqueId(state, `${id}#`)
  }
  return uniqueId(state, `${message.type}-#`)
}

function findAlarm(state: SseState, id: string): AlarmRecord | undefined {
  return state.alarms.find((alarm) => alarm.id === id)
}

/** `base` (which ends with `#`) followed by the first counter value no alarm id uses. */
function uniqueId(state: SseState, base: string): string {
  let id: string
  do id = base + ++state.index.counter
  while (findAlarm(state, id))
  return id
}

function samePayload(a: unknown, b: unknown): boolean {
  if (a === b) return true
  try {
    return JSON.stringify(a) === JSON.stringify(b)
  } catch {
    return false
  }
}

function enforceAlarmBound(state: SseState, maxAlarms: number): void {
  const max = bound(maxAlarms)
  if (state.alarms.length > max) state.alarms.length = max
}

/** Trims the lists to new bounds (e.g. after the bounds were lowered). */
export function enforceBounds(state: SseState, bounds: { maxAlarms: number; maxCalcs: number }): void {
  enforceAlarmBound(state, bounds.maxAlarms)
  enforceCalcBound(state, bounds.maxCalcs)
}

/** Marks the alarms with these ids read (replacing their records), in one pass; returns how many were unread. */
export function acknowledgeAlarms(state: SseState, ids: Iterable<string>): number {
  const wanted = new Set(ids)
  const alarms = state.alarms
  let count = 0
  for (let i = 0; i < alarms.length && count < wanted.size; i++) {
    if (!alarms[i].read && wanted.has(alarms[i].id)) {
      alarms[i] = { ...alarms[i], read: true }
      count++
    }
  }
  return count
}

/** Marks every alarm read (replacing the unread records); returns how many were unread. */
export function acknowledgeAllAlarms(state: SseState): number {
  const alarms = state.alarms
  let count = 0
  alarms.forEach((alarm, i) => {
    if (alarm.read) return
    alarms[i] = { ...alarm, read: true }
    count++
  })
  return count
}

/** Empties the alarm list. */
export function clearAlarms(state: SseState): void {
  state.alarms.length = 0
}

/** Alarms not read yet. */
export function unreadCount(state: Pick<SseState, 'alarms'>): number {
  let count = 0
  for (const alarm of state.alarms) if (!alarm.read) count++
  return count
}

/** Running calcs, oldest run first. */
export function runningCalcs(state: Pick<SseState, 'calcs'>): CalcRecord[] {
  return Object.values(state.calcs)
    .filter((record) => record.status === 'running')
    .sort((a, b) => a.seq - b.seq)
}

/** The most recent run of a kind, whatever its id. */
export function latestCalc(state: Pick<SseState, 'calcs'>, kind: CalcKind): CalcRecord | undefined {
  let latest: CalcRecord | undefined
  for (const id in state.calcs) {
    const record = state.calcs[id]
    if (record.kind === kind && (latest === undefined || record.seq > latest.seq)) latest = record
  }
  return latest
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

  const local = state.calcs
  const merged = Object.values(local)
  for (const id in snapshot.calcs) {
    const incoming = snapshot.calcs[id]
    if (!isRecordWith<CalcRecord>(incoming, 'updatedAt') || incoming.id !== id) continue
    const mine = local[id]
    if (mine === undefined) merged.push({ ...incoming })
    else if (incoming.updatedAt > mine.updatedAt) merged[merged.indexOf(mine)] = { ...incoming }
  }
  merged.sort((a, b) => runTime(a) - runTime(b) || a.seq - b.seq)
  for (const id in local) delete local[id]
  let seq = 0
  for (const record of merged) {
    record.seq = ++seq
    local[record.id] = record
  }

  const alarms = new Map(state.alarms.map((alarm) => [alarm.id, alarm]))
  for (const incoming of snapshot.alarms) {
    if (!isRecordWith<AlarmRecord>(incoming, 'receivedAt')) continue
    const mine = alarms.get(incoming.id)
    if (mine === undefined) alarms.set(incoming.id, { ...incoming })
    else if (incoming.read && !mine.read) alarms.set(mine.id, { ...mine, read: true })
  }
  const sorted = [...alarms.values()].sort((a, b) => b.receivedAt - a.receivedAt)
  state.alarms.splice(0, state.alarms.length, ...sorted)

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

  adoptCalcs(state)
  enforceBounds(state, bounds)
  return true
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

/**
 * Takes calcs that came from elsewhere (a snapshot, a map set from outside) into the bound's queues:
 * running ones in the order their runs started, finished ones in the order of their end times.
 */
export function adoptCalcs(state: Pick<SseState, 'calcs' | 'index'>): void {
  const index = state.index
  const records = Object.values(state.calcs).sort((a, b) => a.seq - b.seq)
  index.running = new Set(records.filter((r) => r.status === 'running').map((r) => r.id))
  // The sort is stable, so runs that ended at the same time stay in seq order.
  const finished = records
    .filter((r) => r.status !== 'running')
    .sort((a, b) => (a.endedAt ?? a.updatedAt) - (b.endedAt ?? b.updatedAt))
  index.finished = new Set(finished.map((r) => r.id))
  index.counter = Math.max(index.counter, records.at(-1)?.seq ?? 0)
}

function bound(max: number): number {
  return Number.isFinite(max) ? Math.max(0, Math.floor(max)) : Number.POSITIVE_INFINITY
}

const empty: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : empty
}
