// What Vue Devtools shows of a hub, as plain data: a timeline event per hub event, and the
// inspector's sections (connection, listeners per messageType, tab group). Pure: no Devtools API here.
import { EventType, typeLabel } from '../core/protocol'
import type { ConnectionSnapshot } from '../store/state'
import type { HubEvent, HubInsight } from '../hub/devtoolsTap'

/** The longest payload preview on the timeline, in characters. */
const PREVIEW_LENGTH = 200

/** A timeline event as the Devtools API takes it. */
export interface TimelineEntry {
  time: number
  title: string
  subtitle?: string
  data: Record<string, unknown>
  logType?: 'default' | 'warning' | 'error'
  groupId?: string
}

/** One section of the inspector: rows of key and value. */
export type InspectorState = Record<string, Array<{ key: string; value: unknown }>>

export function toTimelineEntry(event: HubEvent, time: number): TimelineEntry {
  switch (event.kind) {
    case 'message': {
      const { type, id, data } = event.message
      return {
        time,
        title: typeLabel(type),
        subtitle: id ? `id ${id}` : undefined,
        data: { messageType: type, id, via: event.via === 'relay' ? 'relayed by the leader tab' : 'this tab\'s stream', payload: preview(data) },
      }
    }
    case 'state': {
      const { status, attempt, error, lastEventId, reconnects } = event.state
      return {
        time,
        title: status,
        subtitle: error ? `${error.kind}${error.status ? ` ${error.status}` : ''}` : undefined,
        data: { status, attempt, error, role: event.role, lastEventId, reconnects },
        logType: error ? 'error' : 'default',
      }
    }
    case 'role':
      return { time, title: `role: ${event.role}`, data: { role: event.role } }
    case 'drop':
      return { time, title: 'dropped', subtitle: event.reason, data: { reason: event.reason }, logType: 'warning' }
  }
}

/** The inspector's sections for the hub as it stands; `seenTypes` adds the app's own messageTypes. */
export function toInspectorState(
  connection: ConnectionSnapshot | undefined,
  insight: HubInsight,
  seenTypes: Iterable<string>,
): InspectorState {
  const rows = (record: Record<string, unknown>): Array<{ key: string; value: unknown }> =>
    Object.entries(record).map(([key, value]) => ({ key, value }))
  const types = new Set([...Object.values(EventType), ...seenTypes, '*'])
  const listeners = [...types].map((type) => ({ key: type, value: insight.listenerCount(type) })).filter((row) => row.value > 0)
  return {
    connection: rows(connection ? { ...connection, role: insight.role } : { role: insight.role, store: 'no Pinia store yet' }),
    listeners: [{ key: 'all', value: insight.listenerCount() }, ...listeners],
    'tab group': insight.group ? rows(insight.group) : [{ key: 'sharing', value: 'not in a tab group (share: false, no Web Locks, or logged out)' }],
  }
}

function preview(data: unknown): string {
  let text: string
  try {
    text = JSON.stringify(data) ?? String(data)
  } catch {
    text = String(data)
  }
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text
}
