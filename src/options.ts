import type { NotificationOptions } from 'element-plus'
import type { MaybeRefOrGetter } from 'vue'
import type { ConnectionEnvironment } from './core/connection'
import type { SseError } from './core/errors'
import type { KnownMessageType, SseDecoder, SseMessage } from './protocol'

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
export interface ConnectionOptions {
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
   * @default 'GET'
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
   * @default 'token'
   */
  tokenParam?: string
  /**
   * Query parameter carrying the last event id when the eventsource transport reconnects.
   * @default 'lastEventId'
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
   * @default 45000
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
   * @default 16777216
   */
  maxBufferSize?: number
  /**
   * Log connection steps and payloads to the console. Payloads may be sensitive.
   * @default false
   */
  debug?: boolean
}

/** Options of `createSseHub` and `ssePlugin`. */
export interface SseHubOptions extends Omit<ConnectionOptions, 'token'> {
  /**
   * Login source: truthy = logged in (connect, sent as Bearer token, or as the `tokenParam` query
   * parameter on the eventsource transport), falsy = logged out (close, reset the store). Watched when
   * a ref or getter.
   * @default undefined
   */
  token?: MaybeRefOrGetter<string | null | undefined>
  /**
   * Login source for cookie logins, used when `token` is not set. Without either, call
   * `connect()` / `disconnect()` yourself.
   * @default undefined
   */
  loggedIn?: MaybeRefOrGetter<boolean | null | undefined>
  /**
   * Turns a raw SSE message into `{ type, data }`.
   * @default JSON `{ messageType, messageData }`, a named `event:` as type when the JSON has none
   */
  decode?: SseDecoder
  /**
   * Bounds of the store, so memory stays flat in a page left open for months.
   * @default { maxAlarms: 500, maxCalcs: 200 }
   */
  store?: StoreOptions
  /**
   * How calc end messages are judged and labelled.
   * @default { successStatuses: [1, 'success'], statusLabels: {} }
   */
  calc?: CalcOptions
  /**
   * Element Plus popups per messageType; `false` turns them off.
   * @default { locale: 'zh-CN', maxVisible: 4, groupWindow: 2000 }
   */
  notify?: false | NotifyOptions
  /**
   * One connection shared by all tabs of the same user and stream url (leader election + relay);
   * without Web Locks or BroadcastChannel each tab has its own.
   * @default true
   */
  share?: boolean
  /**
   * Receives every error: connection, decode and handler errors.
   * @default undefined
   */
  onError?: (error: SseError) => void
  /**
   * `fetch`, `EventSource`, the jitter's randomness, Web Locks and `BroadcastChannel` to use instead of
   * the globals (tests, hosts without them).
   * @default the globals
   */
  environment?: SseHubEnvironment
}

/** Platform pieces of the hub: the connection's, plus what tabs share the stream with. */
export interface SseHubEnvironment extends ConnectionEnvironment {
  /**
   * Web Locks, for electing the tab that holds the stream; `null`: every tab holds its own.
   * @default globalThis.navigator?.locks
   */
  locks?: LockManager | null
  /**
   * BroadcastChannel constructor, for relaying to the other tabs; `null`: every tab holds its own.
   * @default globalThis.BroadcastChannel
   */
  BroadcastChannel?: typeof BroadcastChannel | null
}

export interface StoreOptions {
  /**
   * Alarms kept; the oldest are dropped first.
   * @default 500
   */
  maxAlarms?: number
  /**
   * Calc records kept; the oldest finished ones are dropped first.
   * @default 200
   */
  maxCalcs?: number
}

export interface CalcOptions {
  /**
   * End statuses that mean success, compared as text: `1` and `'1'` are the same status (servers send
   * either), so the popup's colour always agrees with its status label.
   * @default [1, 'success']
   */
  successStatuses?: ReadonlyArray<number | string>
  /**
   * Display label per status value (merged over the locale's labels).
   * @default {}
   */
  statusLabels?: Record<string, string>
}

export const defaultReconnect: Required<ReconnectOptions> = {
  initialDelay: 1000,
  maxDelay: 30_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
}

export const defaultStoreOptions: Required<StoreOptions> = { maxAlarms: 500, maxCalcs: 200 }

export const defaultCalcOptions: Required<CalcOptions> = { successStatuses: [1, 'success'], statusLabels: {} }

/** Whether a calc end `status` is one of `successStatuses`, compared as text (status labels are keyed so too). */
export function isSuccessStatus(status: unknown, successStatuses: ReadonlyArray<number | string>): boolean {
  if (typeof status !== 'number' && typeof status !== 'string') return false
  const text = String(status)
  return successStatuses.some((success) => String(success) === text)
}

/**
 * `reconnect` option to a full config, or `false`. A field given as `undefined` keeps its default
 * (spread as it is, it would make every delay NaN: reconnects in a tight loop).
 */
export function resolveReconnect(option: ConnectionOptions['reconnect']): Required<ReconnectOptions> | false {
  if (option === false) return false
  const resolved = { ...defaultReconnect }
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

/** What a renderer gets besides the message: the active labels. */
export interface NotifyContext {
  locale: 'zh-CN' | 'en'
  /** Label of a calc status (locale labels merged with `calc.statusLabels`). */
  statusLabel: (status: number | string | undefined) => string
  /** Whether a calc end status counts as success (`calc.successStatuses`). */
  isSuccess: (status: number | string | undefined) => boolean
}

/**
 * Builds the popup for one message of type `K`: ElNotification options, or null for no popup. The
 * message's `data` has the payload type of `K` in `SseMessageMap` (`NotifyRenderer<'4'>` gets an
 * `AlarmPayload`); `NotifyRenderer` alone takes any message, its `data` `unknown`. Build `message`
 * with `h()`; server text must never be passed as an HTML string.
 */
export type NotifyRenderer<K extends string = string> = (
  message: SseMessage<K>,
  context: NotifyContext,
) => Partial<NotificationOptions> | null | undefined

/**
 * The renderer of a type outside `SseMessageMap`. Written as a method so that the index signature
 * also admits the typed renderers of the known keys (a method's parameter is checked both ways).
 */
type UnknownTypeRenderer = { render(message: SseMessage, context: NotifyContext): ReturnType<NotifyRenderer> }['render']

export interface NotifyOptions {
  /**
   * Renderer per messageType, replacing the built-in one; `false` shows nothing for that type. Each
   * type of `SseMessageMap` (the app's own included) gets its payload type; other types `unknown`.
   * @default {} (the built-in renderers)
   */
  renderers?: { [K in KnownMessageType]?: NotifyRenderer<K> | false } & {
    [messageType: string]: UnknownTypeRenderer | false | undefined
  }
  /**
   * Language of titles and labels.
   * @default 'zh-CN'
   */
  locale?: 'zh-CN' | 'en'
  /**
   * Most popups on screen at any moment, plus one summary popup that counts the rest
   * ("+N 条告警" / "+N more alarms"). A popup that finds the screen full is counted in the summary;
   * when a popup leaves, the newest one counted takes its place (see `groupWindow`).
   * @default 4
   */
  maxVisible?: number
  /**
   * How long, in ms, a popup that found the screen full stays news: when a popup leaves within this
   * time of its arrival, it takes the free place; later it stays only counted in the summary (the
   * store keeps every alarm).
   * @default 2000
   */
  groupWindow?: number
  /**
   * Distance of the popups from the top edge, in px (e.g. below a fixed header), for every popup
   * including the storm summary; a renderer's own `offset` wins.
   * @default undefined (Element Plus: 16)
   */
  offset?: number
}
