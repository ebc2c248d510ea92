// The connection state as a plain, cloneable value: what a leader tab relays and the store keeps.
import type { ConnectionState, SseStatus } from './connection'
import { errorInfo } from './errors'
import type { SseErrorInfo } from './errors'

/** The leader's connection state as relayed to the other tabs: plain and structured-cloneable. */
export interface RelayedConnectionState {
  status: SseStatus
  /** The group's resume point: the last event id delivered in this login. */
  lastEventId: string
  /** Failed attempts in a row. */
  attempt: number
  /** Last error, as a plain object. */
  error: SseErrorInfo | null
  /** When the leader's stream opened (ms since epoch). */
  openedAt: number | null
  /** When the leader's last message arrived (ms since epoch). */
  lastMessageAt: number | null
  /** Reconnections of the leader's stream since the current login. */
  reconnects: number
}

/** Plain copy of a connection state, for `TabShare.relayState`. */
export function toRelayedState(state: Readonly<ConnectionState>): RelayedConnectionState {
  return {
    status: state.status,
    lastEventId: state.lastEventId,
    attempt: state.attempt,
    error: state.error ? errorInfo(state.error) : null,
    openedAt: state.openedAt,
    lastMessageAt: state.lastMessageAt,
    reconnects: state.reconnects,
  }
}
