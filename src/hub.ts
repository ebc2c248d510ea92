import { getActivePinia } from 'pinia'
import type { Pinia } from 'pinia'
import { effectScope, hasInjectionContext, toValue, watch } from 'vue'
import type { AppContext } from 'vue'
import { createBus } from './core/bus'
import type { SseBus } from './core/bus'
import { createConnection } from './core/connection'
import type { ConnectionState, SseConnection, SseStatus } from './core/connection'
import { SseError } from './core/errors'
import { toRelayedState } from './core/relayedState'
import type { RelayedConnectionState } from './core/relayedState'
import { createResumePoint } from './core/resumePoint'
import type { SseRole } from './core/role'
import type { EndedLogins } from './core/tabGroup'
import type { GroupSnapshot, RelayedMessage, TabShare } from './core/tabShare'
import { jwtSubject, shareKey } from './core/userKey'
import type * as TabSharing from './lazyTabSharing'
import { createLazyNotifier } from './notify/lazyNotifier'
import type { Notifier } from './notify/notifier'
import { read } from './core/connectionOptions'
import { defaultCalcOptions, defaultStoreOptions } from './options'
import type { SseHubOptions } from './options'
import { decodeMessage, isBuiltInType } from './core/protocol'
import type { DecodedMessage, RawSseMessage, SseMessage } from './core/protocol'
import { useSseStore } from './store/useSseStore'
import type { SseStore } from './store/useSseStore'
import { feedOf } from './store/storeFeed'
import type { StoreFeed } from './store/storeFeed'

/** The hub: one connection, its bus, its login watch. Created by `createSseHub` or `ssePlugin`. */
export interface SseHub extends Pick<SseBus, 'on' | 'once' | 'off' | 'clear' | 'listenerCount'> {
  /** Current status of the stream this tab sees (its own, or the leader's when following). */
  readonly status: SseStatus
  /** Which part this tab plays: its own connection (`solo`), shared (`leader`) or relayed (`follower`). */
  readonly role: SseRole
  /** The Pinia store the hub feeds, once Pinia is available. */
  readonly store: SseStore | undefined
  /**
   * Opens the stream (joins the shared one when `share` is on); a no-op when already open. After the
   * stream gave up (status `closed`: a 4xx, 204, `maxAttempts`), opens it again, keeping the data; in
   * a follower tab, by asking the leader tab to.
   */
  connect(): void
  /** Closes the stream, resets the store and closes popups: what logout does. */
  disconnect(): void
  /** Stops everything: watchers, timers, connection, listeners. The hub cannot be used afterwards. */
  dispose(): void
  /** The options the hub was created with. */
  readonly options: Readonly<SseHubOptions>
}

/** Where the hub lives: the Pinia instance and the Vue app, when there is one. */
export interface SseHubContext {
  /** Pinia instance to feed, or a getter resolving it late. @default the active Pinia, if any */
  pinia?: Pinia | (() => Pinia | undefined)
  /** App context for Element Plus popups. @default null */
  appContext?: AppContext | null
  /** Watch `token` / `loggedIn` and connect on login; off during server-side rendering. @default true */
  autoConnect?: boolean
}

const PREFIX = '[vue-sse-hub]'

/**
 * Creates the hub without a Vue app (Node, tests, non-component code). `ssePlugin` calls it too.
 * The login watch starts at once: a truthy `token` / `loggedIn` opens the stream.
 */
export function createSseHub(options: SseHubOptions, context: SseHubContext = {}): SseHub {
  if (!options || !options.url) {
    throw new SseError('config', `${PREFIX} The "url" option is required, e.g. app.use(ssePlugin, { url: '/api/sse', token })`)
  }
  const decode = options.decode ?? decodeMessage
  const storeBounds = { ...defaultStoreOptions, ...options.store }
  const successStatuses = options.calc?.successStatuses ?? defaultCalcOptions.successStatuses
  const debug = options.debug === true
  const scope = effectScope(true)
  // The one owner of what this login delivered: the ids seen and the id to resume from. Whatever
  // path an event comes by (this tab's stream, the leader's relay, a replay after a failover), it
  // is admitted here, once.
  const resume = createResumePoint()
  // Logins this tab left or heard end: a later login of this tab never takes their messages. Made
  // with the first tab group this tab joins (tab sharing loads on demand).
  let endedLogins: EndedLogins | undefined

  let store: SseStore | undefined
  let storeResolved = false
  let notifier: Notifier | undefined
  let share: TabShare | undefined
  let role: SseRole = 'solo'
  let token: string | null | undefined
  let active = false
  let disposed = false
  // Reconnects of this login as every tab of it shows them (what a leader relays), and how many of
  // this tab's own connection's reconnects are already in it: the connection's count runs on across
  // logins and hand-overs, so only its increases are added.
  let loginReconnects = 0
  let connectionReconnects = 0
  let firstOpenOfLogin = false
  let shareKeyInUse = ''
  // What this tab shows, kept here too for the hub's `status` when there is no store: a follower's
  // own connection stays closed, the stream it sees is the leader's.
  let shownStatus: SseStatus = 'idle'
  // Set while an acknowledgement from another tab is applied here, so that it is not sent on again.
  let applyingAck = false
  let stopSharingAlarms = (): void => {}
  // Counts the joins of a tab group, so that a join still loading when the user leaves is dropped.
  let shareAttempt = 0

  const bus = createBus({
    onError(error) {
      getFeed()?.countHandlerError()
      report(error)
    },
  })

  const connection: SseConnection = createConnection(
    {
      ...options,
      token: () => token,
      // Read by the connection at each open and visibility change, so it follows the role the election
      // gave: a tab on its own (share: false, or no Web Locks) pauses; a hidden leader would cut every
      // tab off, and a follower holds no stream.
      get pauseWhenHidden() {
        return options.pauseWhenHidden === true && role === 'solo'
      },
      resumeFrom: () => resume.id,
    },
    {
      onMessage: receive,
      onStateChange: connectionChanged,
      onError: report,
    },
  )

  function getStore(): SseStore | undefined {
    if (storeResolved) return store
    const pinia = typeof context.pinia === 'function' ? context.pinia() : context.pinia
    // A getter that finds no Pinia yet means "not yet": Pinia's fallback, the active instance, may be
    // another app's, and the store would stay bound to it.
    if (pinia === undefined && typeof context.pinia === 'function') return undefined
    // No Pinia anywhere yet: asking the store would only throw, once per message.
    if (pinia === undefined && !getActivePinia() && !hasInjectionContext()) return undefined
    try {
      store = useSseStore(pinia)
    } catch {
      return undefined
    }
    storeResolved = true
    feedOf(store).configure({ ...storeBounds, successStatuses })
    // What the user does to the alarms here, the other tabs of the group do too.
    stopSharingAlarms = store.$onAction(({ name, args, store: target, after }) => {
      if (applyingAck || !share) return
      if (name === 'acknowledge') {
        const [ids] = args
        after(() => share?.broadcastAcknowledge(typeof ids === 'string' ? [ids] : [...ids], false))
      } else if (name === 'clearAlarms') {
        after(() => share?.broadcastAcknowledge([], true))
      } else if (name === 'acknowledgeAll') {
        // What was unread here, not "all": an alarm another tab got since the click stays unread there.
        const ids = target.alarms.filter((alarm) => !alarm.read).map((alarm) => alarm.id)
        if (ids.length > 0) after(() => share?.broadcastAcknowledge(ids, false))
      }
    }, true)
    // Pinia may arrive after the stream started (plugin installed first): catch up.
    feedOf(store).setConnection({ ...toRelayedState(connection.state), lastEventId: resume.id, role })
    return store
  }

  function getFeed(): StoreFeed | undefined {
    const target = getStore()
    return target && feedOf(target)
  }

  function getNotifier(): Notifier | undefined {
    if (notifier || options.notify === false || typeof document === 'undefined') return notifier
    notifier = createLazyNotifier(options.notify, options.calc, context.appContext ?? null, report)
    return notifier
  }

  function report(error: SseError): void {
    if (debug) console.debug(PREFIX, error.kind, error.message)
    try {
      options.onError?.(error)
    } catch {
      // The app's error callback must not break the stream.
    }
  }

  function receive(raw: RawSseMessage): void {
    // A server replays from the resume point, maybe from the event itself or further back: what was
    // delivered once is dropped before it costs a decode.
    if (!resume.admit(raw.id, raw.lastEventId)) {
      if (debug) console.debug(PREFIX, 'dropped a repeat of event', raw.id)
      return
    }
    const decoded = decodeRaw(raw)
    if (decoded === null) return
    const message = { type: decoded.type, data: decoded.data, id: resume.id } as SseMessage
    deliver(message, share ? share.relay(message, raw.id, raw) : true)
  }

  /** Decodes one raw event; a rejected one is counted and reported, and gives null like a skipped one. */
  function decodeRaw(raw: RawSseMessage): DecodedMessage | null {
    let decoded: DecodedMessage | SseError | null
    try {
      decoded = decode(raw)
    } catch (cause) {
      decoded = new SseError('decode', `The decoder threw: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    }
    if (decoded instanceof SseError) {
      getFeed()?.countMalformed()
      report(decoded)
      return null
    }
    return decoded
  }

  /** A message the leader tab relayed: admitted by its own id like one from this tab's stream. */
  function receiveRelayed(relayed: RelayedMessage, notifyHere: boolean): void {
    const streamId = 'raw' in relayed ? relayed.raw.lastEventId : relayed.message.id
    if (!resume.admit(relayed.eventId, streamId)) {
      if (debug) console.debug(PREFIX, 'dropped a repeat of event', relayed.eventId)
      return
    }
    const decoded = 'raw' in relayed ? decodeRaw(relayed.raw) : relayed.message
    if (decoded === null) return
    deliver({ type: decoded.type, data: decoded.data, id: resume.id } as SseMessage, notifyHere)
  }

  function deliver(message: SseMessage, notifyHere: boolean): void {
    if (debug) console.debug(PREFIX, 'message', message.type, message.data)
    getFeed()?.apply(message, isBuiltInType(message.type))
    bus.emit(message)
    if (notifyHere) getNotifier()?.notify(message)
  }

  function connectionChanged(state: Readonly<ConnectionState>): void {
    // A follower shows the leader's state (onState); its own idle connection has nothing to say.
    if (role === 'follower') return
    if (debug) console.debug(PREFIX, 'status', state.status, state.error?.message ?? '')
    if (firstOpenOfLogin && state.status === 'open') {
      firstOpenOfLogin = false
      connectionReconnects = state.reconnects
    } else if (state.reconnects > connectionReconnects) {
      loginReconnects += state.reconnects - connectionReconnects
      connectionReconnects = state.reconnects
    }
    const relayed = { ...toRelayedState(state), lastEventId: resume.id, reconnects: loginReconnects }
    showState(relayed)
    share?.relayState(relayed)
  }

  function showState(state: RelayedConnectionState): void {
    shownStatus = state.status
    const target = getStore()
    if (!target) return
    feedOf(target).setConnection({ ...state, lastEventId: resume.id, role })
    // `state.reconnects` is this login's count (relayed ones too); a store that missed some catches up.
    while (target.stats.reconnects < state.reconnects) feedOf(target).countReconnect()
  }

  function absoluteUrl(): string {
    const url = read(options.url)
    return typeof location === 'undefined' ? url : new URL(url, location.href).href
  }

  function startShare(): void {
    // Until the election settles this tab holds no connection; a previous login's role must not show.
    role = 'follower'
    getFeed()?.setConnection({ role })
    // Tab sharing is a chunk of its own, which an app with `share: false` never downloads. A logout,
    // another login or dispose while it loads makes this attempt stale.
    const attempt = ++shareAttempt
    void import('./lazyTabSharing').then(
      (sharing) => {
        if (attempt === shareAttempt && active && !disposed) joinShare(sharing)
      },
      (cause: unknown) => {
        if (attempt !== shareAttempt || !active || disposed) return
        report(new SseError('handler', `Tab sharing could not be loaded, this tab connects on its own: ${String(cause)}`, { cause }))
        role = 'solo'
        getFeed()?.setConnection({ role })
        connection.open()
      },
    )
  }

  function joinShare(sharing: typeof TabSharing): void {
    const key = shareKey(absoluteUrl(), token ?? null)
    shareKeyInUse = key
    endedLogins ??= sharing.createEndedLogins()
    const current: TabShare = sharing.createTabShare({
      key,
      ended: endedLogins,
      ...sharing.sharingPlatform(options.environment ?? {}),
      getSnapshot: () => getSnapshot(sharing.snapshotToText),
      onLead() {
        role = current.role === 'solo' ? 'solo' : 'leader'
        getFeed()?.setConnection({ role })
        connection.open()
      },
      onFollow() {
        role = 'follower'
        connection.close()
        getFeed()?.setConnection({ role })
      },
      onMessage: receiveRelayed,
      onState(state) {
        // The leader's resume point may be ahead of the relays: events it could not decode.
        resume.handOver(state.lastEventId)
        loginReconnects = Math.max(loginReconnects, state.reconnects)
        showState(state)
      },
      onSnapshot(snapshot) {
        resume.handOver(snapshot.resumeId)
        const target = getStore()
        if (!target || typeof snapshot.data !== 'string') return
        feedOf(target).hydrate(JSON.parse(snapshot.data) as Parameters<StoreFeed['hydrate']>[0])
        // The snapshot carries the leader's count of this login: it is the count here too.
        loginReconnects = Math.max(loginReconnects, target.stats.reconnects)
      },
      onLogout() {
        stop(false)
      },
      onRegroup() {
        if (debug) console.debug(PREFIX, 'the tab group now serves another login: its data replaces this one')
        forgetLogin()
      },
      onRetry: reopen,
      onAcknowledge(ids, clear) {
        const target = getStore()
        if (!target) return
        applyingAck = true
        try {
          if (clear) target.clearAlarms()
          else target.acknowledge(ids)
        } finally {
          applyingAck = false
        }
      },
      onError(cause) {
        report(cause instanceof SseError ? cause : new SseError('handler', `Tab sharing failed: ${String(cause)}`, { cause }))
      },
      onDrop(reason) {
        if (debug) console.debug(PREFIX, `dropped a tab message (${current.dropped} so far):`, reason)
      },
    })
    share = current
    current.start()
  }

  /** Leader side: the store and the resume point, for a tab that joins. */
  function getSnapshot(snapshotToText: typeof TabSharing.snapshotToText): GroupSnapshot {
    const snapshot = getFeed()?.snapshot()
    const data =
      snapshot &&
      snapshotToText(snapshot, (what) => {
        report(new SseError('handler', `Tab sharing: the payload of ${what} cannot be written for a tab that joins; it gets the record without it`))
      })
    return { data, resumeId: resume.id }
  }

  function connect(): void {
    if (disposed) return
    if (active) {
      // The stream gave up (a 4xx, 204, maxAttempts, a refused refresh): try again, through the
      // leader when another tab holds it.
      if (role !== 'follower') reopen()
      else if (shownStatus === 'closed') share?.requestRetry()
      return
    }
    active = true
    firstOpenOfLogin = true
    // Popups load with the login, before the first message needs one.
    getNotifier()
    if (options.share === false) {
      role = 'solo'
      getFeed()?.setConnection({ role })
      connection.open()
    } else {
      startShare()
    }
  }

  function reopen(): void {
    if (connection.state.status === 'closed') connection.open()
  }

  /** Leaves the stream (and the tab group) without touching the data. */
  function leave(broadcastLogout: boolean): void {
    shareAttempt++
    if (broadcastLogout) share?.broadcastLogout()
    share?.stop()
    share = undefined
    connection.close()
  }

  /** Logout: leaves the stream and forgets the user's data; `broadcast` logs the other tabs out too. */
  function stop(broadcast: boolean): void {
    if (!active) return
    active = false
    const wasFollowing = role === 'follower'
    leave(broadcast)
    forgetLogin()
    // A follower showed the leader's stream, which is no longer this tab's: show its own, closed one.
    if (wasFollowing) showState({ ...toRelayedState(connection.state), reconnects: 0 })
  }

  /** Forgets what the login delivered: data, popups, counts and the resume point. */
  function forgetLogin(): void {
    // Ids are the server's per-user business: the next user's stream may reuse them.
    resume.reset()
    loginReconnects = 0
    connectionReconnects = connection.state.reconnects
    notifier?.closeAll()
    getStore()?.reset()
  }

  /** The token changed while logged in: reconnect with it, keeping the data (it may be a refresh). */
  function tokenChanged(previous: string): void {
    if (!active) return connect()
    if (isOtherUser(previous, token)) {
      // Another signed-in user: the previous user's data must not stay on screen.
      stop(false)
      connect()
      return
    }
    if (share && shareKey(absoluteUrl(), token ?? null) !== shareKeyInUse) {
      // Another user, or an opaque token that cannot tell: join the group of the new key.
      leave(false)
      active = false
      connect()
      return
    }
    if (role !== 'follower') connection.restart()
  }

  function watchLogin(): void {
    // Synchronous: a logout and the next login in one tick (a "switch account" action) must still
    // reset the store and close the stream in between, not look like a token refresh.
    scope.run(() => {
      if (options.token !== undefined) {
        watch(
          () => toValue(options.token),
          (next, previous) => {
            token = next
            if (!next) stop(true)
            else if (previous) tokenChanged(previous)
            else connect()
          },
          { immediate: true, flush: 'sync' },
        )
      } else if (options.loggedIn !== undefined) {
        watch(
          () => Boolean(toValue(options.loggedIn)),
          (loggedIn) => (loggedIn ? connect() : stop(true)),
          { immediate: true, flush: 'sync' },
        )
      }
    })
  }

  if (context.autoConnect !== false) watchLogin()

  return {
    on: bus.on,
    once: bus.once,
    off: bus.off,
    clear: bus.clear,
    listenerCount: bus.listenerCount,
    get status() {
      return getStore()?.connection.status ?? shownStatus
    },
    get role() {
      return role
    },
    get store() {
      return getStore()
    },
    connect,
    disconnect: () => stop(true),
    dispose() {
      if (disposed) return
      stop(false)
      disposed = true
      stopSharingAlarms()
      scope.stop()
      bus.clear()
      notifier?.dispose()
    },
    options,
  }
}

/** Both tokens name their user (JWT `sub`) and the users differ; opaque tokens cannot tell. */
function isOtherUser(previous: string, next: string | null | undefined): boolean {
  if (!next) return false
  const before = jwtSubject(previous)
  const after = jwtSubject(next)
  return before !== null && after !== null && before !== after
}
