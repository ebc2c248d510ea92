import type { RawSseMessage } from '../protocol'
import type { SseError } from '../errors'

/** Everything one connection attempt needs, read fresh from the options for that attempt. */
export interface TransportRequest {
  url: string
  method: string
  headers: Record<string, string>
  body: BodyInit | Record<string, unknown> | null | undefined
  withCredentials: boolean
  token: string | null | undefined
  /** Id to resume from; '' for none. */
  lastEventId: string
  tokenParam: string
  lastEventIdParam: string
}

/** Why an attempt failed; the connection decides whether to retry. */
export interface TransportFailure {
  error: SseError
  /** Server-requested wait (`Retry-After`), in ms. */
  retryAfter?: number | null
}

/** Callbacks of one attempt. The connection ignores calls from attempts it has replaced. */
export interface TransportHandlers {
  /** The stream is open (200 + `text/event-stream`). */
  onOpen(): void
  /** Raw bytes of the stream (fetch transport). */
  onChunk(chunk: Uint8Array): void
  /** An already parsed message (eventsource transport). */
  onMessage(message: RawSseMessage): void
  /** The attempt is over. Called at most once, never after `abort()`. */
  onFailure(failure: TransportFailure): void
}

/** A running attempt. */
export interface TransportHandle {
  /** Stops the attempt; no handler is called afterwards. */
  abort(): void
}
