import type { ConnectionOptions } from '../options'
import type { RawSseMessage } from '../protocol'
import type { SseError } from './errors'

/** Lifecycle of the connection. */
export type SseStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

/** Observable state of a connection; a new object on every change. */
export interface ConnectionState {
  status: SseStatus
  /** Last event id seen; sent on reconnect. */
  lastEventId: string
  /** Failed attempts in a row; 0 after a good open. */
  attempt: number
  /** Last error, cleared by a good open. */
  error: SseError | null
  /** When the current stream opened (ms since epoch). */
  openedAt: number | null
  /** When the last message arrived (ms since epoch). */
  lastMessageAt: number | null
  /** Reconnections since creation (opens after the first). */
  reconnects: number
}

export interface ConnectionCallbacks {
  /** Every SSE message of the live stream. */
  onMessage?: (message: RawSseMessage) => void
  /** Every state change. */
  onStateChange?: (state: Readonly<ConnectionState>) => void
  /** Every error, as it happens. */
  onError?: (error: SseError) => void
}

/** Platform pieces, replaceable in tests and non-browser hosts. */
export interface ConnectionEnvironment {
  fetch?: typeof fetch
  EventSource?: typeof EventSource
}

/** One resilient SSE connection. */
export interface SseConnection {
  readonly state: Readonly<ConnectionState>
  /** Connects; a no-op while connecting or open. */
  open(): void
  /** Disconnects, aborts the request and cancels any pending retry. */
  close(): void
  /** Drops the current stream and connects again at once (e.g. the token changed). */
  restart(): void
  /** Sets the id to resume from (e.g. handed over by another tab). */
  setLastEventId(id: string): void
}

export declare function createConnection(
  options: ConnectionOptions & { environment?: ConnectionEnvironment },
  callbacks?: ConnectionCallbacks,
): SseConnection
