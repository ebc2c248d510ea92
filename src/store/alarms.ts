// The alarm list, newest first: adding an alarm once (a replay is no new alarm), the bound on how many
// are kept, marking them read, clearing them, and how many are unread.
import type { AlarmLevel, AlarmPayload, SseMessage } from '../core/protocol'
import type { AlarmRecord, ApplyContext, SseState } from './state'
import { asRecord, bound, payloadId } from './values'

const alarmLevels: unknown[] = ['info', 'warning', 'error', 'critical'] satisfies AlarmLevel[]

/** Adds the alarm of an eventAlarm or dataAnomaly message; false when it is already in the list. */
export function addAlarm(state: SseState, message: SseMessage, ctx: ApplyContext): boolean {
  const data = asRecord(message.data) as AlarmPayload
  const id = alarmId(state, message, data)
  if (id === null) return false
  const level = alarmLevels.includes(data.level) ? (data.level as AlarmLevel) : 'warning'
  state.alarms.unshift({
    id,
    kind: message.type === '7' /* dataAnomaly */ ? 'anomaly' : 'alarm',
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

/** Drops the oldest alarms beyond the bound. */
export function enforceAlarmBound(state: SseState, maxAlarms: number): void {
  const max = bound(maxAlarms)
  if (state.alarms.length > max) state.alarms.length = max
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
