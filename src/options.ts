// The options of `createSseHub` and `ssePlugin` beyond the connection's, with their defaults.
import type { NotificationOptions } from 'element-plus'
import type { MaybeRefOrGetter } from 'vue'
import type { ConnectionEnvironment, ConnectionOptions } from './core/connectionOptions'
import type { SseError } from './core/errors'
import type { KnownMessageType, SseDecoder, SseMessage } from './core/protocol'

/** Options of `createSseHub` and `ssePlugin`. */
export interface SseHubOptions extends Omit<ConnectionOptions<SseHubEnvironment>, 'token'> {
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

/** The store bounds of every field left out. */
export const defaultStoreOptions: Readonly<Required<StoreOptions>> = /* @__PURE__ */ Object.freeze({ maxAlarms: 500, maxCalcs: 200 })

/** The calc rules of every field left out. */
export const defaultCalcOptions: Readonly<Required<CalcOptions>> = /* @__PURE__ */ Object.freeze({
  successStatuses: Object.freeze([1, 'success']),
  statusLabels: Object.freeze({}),
})

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
