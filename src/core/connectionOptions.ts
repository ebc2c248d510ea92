// The options of one SSE connection, their defaults, and how they are read: framework-free, shared by
// `createConnection` and the hub (whose options extend these).
import type { SseError } from './errors'

/** Value or function returning the value; functions are re-read on every connection attempt. */
export type Getter<T> = T | (() => T)

/** Exponential backoff with jitter between reconnection attempts. */
export interface ReconnectOptions {
  /**
   * Base delay of the first retry, in ms. A server `retry:` field replaces it (at least 100 ms).
   * @default 1000
   */
  initialDelay?: number
  /**
   * Upper bound of any delay, in ms.
   * @default 30000
   */
  maxDelay?: number
  /**
   * Growth of the delay per failed attempt.
   * @default 2
   */
  factor?: number
  /**
   * Share of the delay that is randomised: 0 = fixed delays, 1 = anywhere between 0 and the delay.
   * @default 0.5
   */
  jitter?: number
  /**
   * Failed attempts in a row before giving up (status `closed`, error set).
   * @default Infinity
   */
  maxAttempts?: number
}

/** Options of the connection itself, usable without Vue (see `createConnection`). */
export interface ConnectionOptions<Environment extends ConnectionEnvironment = ConnectionEnvironment> {
  /** Endpoint of the SSE stream. Required. */
  url: Getter<string>
  /**
   * `'fetch'` sends headers, any method and a body; `'eventsource'` uses the browser's EventSource
   * (cookies through `withCredentials`, token in the query).
   * @default 'fetch'
   */
  transport?: 'fetch' | 'eventsource'
  /**
   * HTTP method (fetch transport).
   * @default 'GET' ({@link defaultMethod})
   */
  method?: string
  /**
   * Extra request headers (fetch transport), re-read on every attempt.
   * @default {}
   */
  headers?: Getter<Record<string, string>>
  /**
   * Request body (fetch transport, with a method other than `GET`: with `GET` or `HEAD` the connection
   * stops with a `config` error), re-read on every attempt; plain objects are sent as JSON.
   * @default undefined
   */
  body?: Getter<BodyInit | Record<string, unknown> | null | undefined>
  /**
   * Send cookies cross-origin (`credentials: 'include'` / EventSource `withCredentials`).
   * @default false
   */
  withCredentials?: boolean
  /**
   * Token read on every attempt. Fetch transport: `Authorization: Bearer <token>`; eventsource
   * transport: the `tokenParam` query parameter.
   * @default undefined
   */
  token?: Getter<string | null | undefined>
  /**
   * Query parameter carrying the token on the eventsource transport.
   * @default 'token' ({@link defaultTokenParam})
   */
  tokenParam?: string
  /**
   * Query parameter carrying the last event id when the eventsource transport reconnects.
   * @default 'lastEventId' ({@link defaultLastEventIdParam})
   */
  lastEventIdParam?: string
  /**
   * Backoff between attempts; `false` never reconnects.
   * @default { initialDelay: 1000, maxDelay: 30000, factor: 2, jitter: 0.5, maxAttempts: Infinity }
   */
  reconnect?: boolean | ReconnectOptions
  /**
   * No byte (comments included) for this long, in ms, means the connection is dead: abort and
   * reconnect. `0` disables the watchdog. Fetch transport only: EventSource hides comments.
   * @default 45000 ({@link defaultHeartbeatTimeout})
   */
  heartbeatTimeout?: number
  /**
   * Called once on 401/403 to refresh credentials. Return a new token to retry with it, or null to
   * stop (status `closed`, error kind `unauthorized`). The returned token serves the reconnects of
   * this login only: a changed `token`, logout or `disconnect()` drop it. Fetch transport only:
   * EventSource hides the status, so a 401 there is a `network` error with backoff.
   * @default undefined (stop on 401/403)
   */
  onUnauthorized?: (error: SseError) => string | null | undefined | Promise<string | null | undefined>
  /**
   * Close the connection while the tab is hidden and reopen when it is visible again. In the hub, only a
   * tab that holds its own stream pauses: with `share: false`, or with sharing on where Web Locks are
   * missing (a plain-http page: every tab is `solo`). A leader never pauses (it would cut off every tab).
   * @default false
   */
  pauseWhenHidden?: boolean
  /**
   * Largest SSE line or event, in characters, before the stream is treated as broken.
   * @default 16777216 ({@link defaultMaxBufferSize}, 16 MiB)
   */
  maxBufferSize?: number
  /**
   * Log connection steps and payloads to the console. Payloads may be sensitive.
   * @default false
   */
  debug?: boolean
  /**
   * Platform pieces to use instead of the globals (tests, hosts without them).
   * @default the globals
   */
  environment?: Environment
}

/** Default of {@link ConnectionOptions.method}. */
export const defaultMethod = 'GET'
/** Default of {@link ConnectionOptions.tokenParam}. */
export const defaultTokenParam = 'token'
/** Default of {@link ConnectionOptions.lastEventIdParam}. */
export const defaultLastEventIdParam = 'lastEventId'
/** Default of {@link ConnectionOptions.heartbeatTimeout}, in ms: a proxy's idle timeout is often 60 s. */
export const defaultHeartbeatTimeout = 45_000
/** Default of {@link ConnectionOptions.maxBufferSize} and of the parser's, in characters. */
export const defaultMaxBufferSize = 16 * 1024 * 1024

/** Platform pieces, replaceable in tests and non-browser hosts. */
export interface ConnectionEnvironment {
  /**
   * `fetch` of the fetch transport.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch
  /**
   * `EventSource` of the eventsource transport.
   * @default globalThis.EventSource
   */
  EventSource?: typeof EventSource
  /**
   * Source of randomness for the backoff jitter.
   * @default Math.random
   */
  random?: () => number
}

/** The backoff of `reconnect: true` (and of every field left out). */
export const defaultReconnect: Readonly<Required<ReconnectOptions>> = /* @__PURE__ */ Object.freeze({
  initialDelay: 1000,
  maxDelay: 30_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
})

/**
 * `reconnect` option to a full config, or `false`. A field given as `undefined` keeps its default
 * (spread as it is, it would make every delay NaN: reconnects in a tight loop).
 */
export function resolveReconnect(option: ConnectionOptions['reconnect']): Required<ReconnectOptions> | false {
  if (option === false) return false
  const resolved: Required<ReconnectOptions> = { ...defaultReconnect }
  if (typeof option !== 'object' || option === null) return resolved
  for (const key of Object.keys(resolved) as Array<keyof ReconnectOptions>) {
    const value = option[key]
    if (value !== undefined) resolved[key] = value
  }
  return resolved
}

/** Reads a {@link Getter}. */
export function read<T>(value: Getter<T>): T {
  return typeof value === 'function' ? (value as () => T)() : value
}
