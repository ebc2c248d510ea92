// The messages tabs exchange over their BroadcastChannel, and the checks every received one passes:
// anything on the channel may come from another version of the library, or from any script of the
// origin.
import type { RawSseMessage, SseMessage } from './protocol'
import { isRecord } from './isRecord'
import type { RelayedConnectionState } from './relayedState'

/**
 * Part of every lock and channel name, with the protocol's version: tabs of another version form a
 * group of their own, so no tab reads a shape it does not know. Version 3: a relayed message carries
 * the messages of its slice of the stream that came before it (`preceding`), which a tab of version 2
 * would drop.
 */
export const NAME_PREFIX = 'vue-sse-hub:3:'
/**
 * The mark (`v`) that tells this library's channel messages from anything else posted on the channel.
 * Tabs of different versions never share a channel (see {@link NAME_PREFIX}), so it is no version
 * check, and it stayed 2 when the names moved to version 3.
 */
const WIRE_MARK = 2

/** Where a tab stands, for choosing which tab pops a notification. */
export interface TabPresence {
  visible: boolean
  focused: boolean
}

/**
 * A message relayed by the leader: decoded, or (when its payload cannot be structured-cloned, e.g. JSON
 * nested thousands of levels deep) the raw event, for the receiving tab to decode. `eventId` is the
 * event's own `id:` field (undefined when it had none); the message's `id`, or the raw event's
 * `lastEventId`, is the group's resume point after it.
 */
export type RelayedMessage =
  | { message: SseMessage; eventId: string | undefined }
  | { raw: RawSseMessage; eventId: string | undefined }

/** A relayed message with the tab that pops its notification (a tab id; '' for none). */
export interface RelayedEntry {
  relayed: RelayedMessage
  notify: string
}

/** A store snapshot for a tab that joins, with the resume point it goes with. */
export interface GroupSnapshot {
  /** Whatever the leader's `getSnapshot` returned (structured-cloneable). */
  data: unknown
  /** The group's resume point when the snapshot was taken. */
  resumeId: string
}

/**
 * `login` names the login the sender belongs to (every logout and login changes it); `term` orders
 * the leaders of one login. A `message` is one the leader relays, after the messages of the same slice
 * of its stream that came before it, if any (`preceding`, in order): one channel message per slice.
 */
export type WireBody =
  | { kind: 'hello'; presence: TabPresence }
  | { kind: 'presence'; presence: TabPresence }
  | { kind: 'bye' }
  | { kind: 'lead'; login: string; term: number }
  | { kind: 'message'; login: string; relayed: RelayedMessage; notify: string; preceding?: RelayedEntry[] }
  | { kind: 'state'; login: string; state: RelayedConnectionState }
  | { kind: 'snapshot'; login: string; term: number; to: string; snapshot: GroupSnapshot; state: RelayedConnectionState | null }
  | { kind: 'logout'; login: string }
  | { kind: 'ack'; login: string; ids: string[]; clear: boolean }
  | { kind: 'retry'; login: string }

/** What goes on the channel: a body with the library's mark and the sender's tab id. */
export type Wire = WireBody & { v: typeof WIRE_MARK; from: string }

/** A received message that passed the checks. */
export type Received = WireBody & { from: string }

/** The channel message for `body`, sent by `from`. */
export function toWire(from: string, body: WireBody): Wire {
  return { v: WIRE_MARK, from, ...body }
}

/** A received channel message, checked field by field; null for anything that is not ours. */
export function readWire(data: unknown): Received | null {
  if (!isRecord(data) || data.v !== WIRE_MARK) return null
  const { kind, from } = data
  if (typeof from !== 'string' || from === '') return null
  const wire = (body: WireBody): Received => ({ ...body, from })
  const login = typeof data.login === 'string' ? data.login : ''
  // Number.isFinite is true of finite numbers only (it does not narrow the type).
  const term = Number.isFinite(data.term) ? (data.term as number) : 0
  switch (kind) {
    case 'hello':
    case 'presence':
      return wire({ kind, presence: toPresence(isRecord(data.presence) ? data.presence : {}) })
    case 'bye':
      return wire({ kind })
    case 'lead':
      return wire({ kind, login, term })
    case 'logout':
    case 'retry':
      return wire({ kind, login })
    case 'message': {
      const last = readEntry(data)
      const preceding = readPreceding(data.preceding)
      if (!last || !preceding) return null
      return wire({ kind, login, ...last, ...(preceding.length > 0 && { preceding }) })
    }
    case 'ack': {
      const ids = data.ids
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return null
      return wire({ kind, login, ids, clear: data.clear === true })
    }
    case 'state':
      return isState(data.state) ? wire({ kind, login, state: data.state }) : null
    case 'snapshot': {
      const snapshot = data.snapshot
      if (typeof data.to !== 'string' || !isRecord(snapshot) || typeof snapshot.resumeId !== 'string') return null
      return wire({
        kind,
        login,
        term,
        to: data.to,
        snapshot: { data: snapshot.data, resumeId: snapshot.resumeId },
        state: isState(data.state) ? data.state : null,
      })
    }
    default:
      return null
  }
}

/** The messages relayed before the last one of a slice: [] when none, null unless every one is a relayed message. */
function readPreceding(value: unknown): RelayedEntry[] | null {
  if (value === undefined) return []
  if (!Array.isArray(value)) return null
  const entries: RelayedEntry[] = []
  for (const item of value) {
    const entry = readEntry(item)
    if (!entry) return null
    entries.push(entry)
  }
  return entries
}

function readEntry(value: unknown): RelayedEntry | null {
  if (!isRecord(value)) return null
  const relayed = readRelayed(value.relayed)
  return relayed && { relayed, notify: typeof value.notify === 'string' ? value.notify : '' }
}

function readRelayed(value: unknown): RelayedMessage | null {
  if (!isRecord(value)) return null
  const eventId = typeof value.eventId === 'string' ? value.eventId : undefined
  const { message, raw } = value
  if (isRecord(message) && typeof message.type === 'string' && typeof message.id === 'string') {
    return { message: { type: message.type, data: message.data, id: message.id }, eventId }
  }
  if (isRecord(raw) && typeof raw.event === 'string' && typeof raw.data === 'string' && typeof raw.lastEventId === 'string') {
    return { raw: { event: raw.event, data: raw.data, lastEventId: raw.lastEventId, ...(eventId !== undefined && { id: eventId }) }, eventId }
  }
  return null
}

function isState(value: unknown): value is RelayedConnectionState {
  return isRecord(value) && typeof value.status === 'string' && typeof value.lastEventId === 'string'
}

/** A presence from whatever was received: only `true` counts. */
export function toPresence(value: { visible?: unknown; focused?: unknown }): TabPresence {
  return { visible: value.visible === true, focused: value.focused === true }
}
