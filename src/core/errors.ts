// The one error type of the library: what went wrong as a `kind` apps can switch on, with its status.
/**
 * What went wrong, as a string union so apps can `switch` on it.
 * - `network`: the request failed or the stream broke (offline, DNS, reset).
 * - `http`: the server answered a status other than 200 (`status` is set).
 * - `unauthorized`: 401/403 and the token could not be refreshed.
 * - `content-type`: 200 without `text/event-stream`.
 * - `heartbeat`: no byte arrived within `heartbeatTimeout`.
 * - `stream-ended`: the server closed a healthy stream.
 * - `parse`: the byte stream broke the SSE grammar limits (e.g. `maxBufferSize`).
 * - `decode`: a message's data is not the expected JSON envelope.
 * - `handler`: a listener threw.
 * - `config`: the options cannot work (missing url, missing pinia...).
 */
export type SseErrorKind =
  | 'network'
  | 'http'
  | 'unauthorized'
  | 'content-type'
  | 'heartbeat'
  | 'stream-ended'
  | 'parse'
  | 'decode'
  | 'handler'
  | 'config'

/** Every error the library reports, through `onError`, `connection.error` and the store. */
export class SseError extends Error {
  override readonly name = 'SseError'
  // Declared only: the constructor makes each an own property (undefined when absent).
  /** What went wrong. */
  declare readonly kind: SseErrorKind
  /** HTTP status, when the server answered. */
  declare readonly status?: number
  /** The messageType involved, for `handler` errors (a listener or a popup that threw). */
  declare readonly messageType?: string
  /** The underlying error or value. */
  declare readonly cause?: unknown

  constructor(
    kind: SseErrorKind,
    message: string,
    details: { status?: number; messageType?: string; cause?: unknown } = {},
  ) {
    super(message)
    this.kind = kind
    this.status = details.status
    this.messageType = details.messageType
    this.cause = details.cause
  }

  /** A plain, cloneable copy (for the store and for relaying between tabs). */
  toJSON(): SseErrorInfo {
    return errorInfo(this)
  }
}

/** The plain fields of an error (an {@link SseError}, or a copy relayed by another tab); never its `cause`. */
export function errorInfo(error: SseErrorInfo): SseErrorInfo {
  const info: SseErrorInfo = { kind: error.kind, message: error.message }
  if (error.status !== undefined) info.status = error.status
  if (error.messageType !== undefined) info.messageType = error.messageType
  return info
}

/** The plain shape of an {@link SseError}, as kept in the store. */
export interface SseErrorInfo {
  kind: SseErrorKind
  message: string
  status?: number
  messageType?: string
}

export function isSseError(value: unknown): value is SseError {
  return value instanceof SseError
}
