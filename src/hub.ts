// The hub: one login's connection, its message pipeline, its store and popups, and the tab group
// that shares the stream. It coordinates; each mechanism lives in src/hub/ and src/core/.
import type { Pinia } from 'pinia'
import type { AppContext, EffectScope } from 'vue'
import { createBus } from './core/bus'
import type { SseBus } from './core/bus'
import { createConnection } from './core/connection'
import type { ConnectionState, SseConnection, SseStatus } from './core/connection'
import { read } from './core/connectionOptions'
import { SseError } from './core/errors'
import { guarded } from './core/guard'
import { createDebugLog, LOG_PREFIX } from './core/log'
import { decodeMessage } from './core/protocol'
import { toRelayedState } from './core/relayedState'
import type { RelayedConnectionState } from './core/relayedState'
import { createResumePoint } from './core/resumePoint'
import type { SseRole } from './core/role'
import type { GroupSnapshot } from './core/tabShareWire'
import { syncAlarms } from './hub/alarmSync'
import type { AlarmSync } from './hub/alarmSync'
import { createLoginReconnects } from './hub/loginReconnects'
import { watchLogin } from './hub/loginWatch'
import { createTap } from './hub/devtoolsTap'
import type { HubEvent } from './hub/devtoolsTap'
import { createPipeline } from './hub/pipeline'
import { createStoreLink } from './hub/storeLink'
import { createTabGroupLink } from './hub/tabGroupLink'
import type { GroupLogin } from './hub/tabGroupLink'
import type * as TabSharing from './lazyTabSharing'
import { createLazyNotifier } from './notify/lazyNotifier'
import type { Notifier } from './notify/notifier'
import { defaultCalcOptions, defaultStoreOptions } from './options'
import type { SseHubOptions } from './options'
import { feedOf } from './store/storeFeed'
import type { StoreFeed } from './store/storeFeed'
import type { SseStore } from './store/useSseStore'

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

/**
 * Creates the hub without a Vue app (Node, tests, non-component code). `ssePlugin` calls it too.
 * The login watch starts at once: a truthy `token` / `loggedIn` opens the stream.
 */
export function createSseHub(options: SseHubOptions, context: SseHubContext = {}): SseHub {
  return buildHub(options, context, createConnection)
}

/** The hub over the connection `openConnection` makes: the real one, or the testing kit's. */
export function buildHub(options: SseHubOptions, context: SseHubContext, openConnection: typeof createConnection): SseHub {
  if (!options || !options.url) {
    const example = __DEV__ ? `, e.g. app.use(ssePlugin, { url: '/api/sse', token })` : ''
    throw new SseError('config', `${LOG_PREFIX} The "url" option is required${example}`)
  }
  const log = createDebugLog(options.debug)
  // The one owner of what this login delivered: the ids seen and the id to resume from. Whatever
  // path an event comes by (this tab's stream, the leader's relay, a replay after a failover), it
  // is admitted there, once.
  const resume = createResumePoint()
  const reconnects = createLoginReconnects()

  let role: SseRole = 'solo'
  let token: string | null | undefined
  let active = false
  let disposed = false
  let notifier: Notifier | undefined
  let alarmSync: AlarmSync | undefined
  let loginScope: EffectScope | undefined
  // What this tab shows, kept here too for the hub's `status` when there is no store: a follower's
  // own connection stays closed, the stream it sees is the leader's.
  let shownStatus: SseStatus = 'idle'
  // Development builds: what the hub's devtools hear (set once the hub exists).
  let tap: ((event: HubEvent) => void) | undefined
  let linkedFeed: StoreFeed | undefined
  // Popup renderers of the app's own: app code, which may read the store (see createPipeline).
  const appRenderers = options.notify === false ? undefined : options.notify?.renderers

  const storeLink = createStoreLink(context.pinia, linkStore)
  const bus = createBus({
    onError(error) {
      feed()?.countHandlerError()
      report(error)
    },
  })
  const group = createTabGroupLink(options.environment ?? {}, {
    snapshot: snapshotForJoiner,
    onLead: lead,
    onFollow: follow,
    onMessage: (relayed, notifyHere) => pipeline.fromRelay(relayed, notifyHere),
    onBatch: (deliver) => pipeline.batch(deliver),
    onState: showLeaderState,
    adopt: adoptSnapshot,
    onLogout: () => stop(false),
    onRegroup() {
      log('the tab group now serves another login: its data replaces this one')
      forgetLogin()
    },
    onRetry: reopen,
    onAcknowledge: (ids, clear) => alarmSync?.applyRemote(ids, clear),
    onError(cause) {
      report(cause instanceof SseError ? cause : new SseError('handler', `Tab sharing failed: ${String(cause)}`, { cause }))
    },
    onDrop(reason, dropped) {
      log(`dropped a tab message (${dropped} so far):`, reason)
      if (__DEV__) tap?.({ kind: 'drop', reason })
    },
    onLoadFailed(cause) {
      if (!active || disposed) return
      report(new SseError('handler', `Tab sharing could not be loaded, this tab connects on its own: ${String(cause)}`, { cause }))
      setRole('solo')
      connection.open()
    },
  })
  const pipeline = createPipeline({
    decode: options.decode ?? decodeMessage,
    resume,
    bus,
    store: feed,
    notifier: () => notifier,
    relay: (message, raw) => group.share?.relay(message, raw.id, raw) ?? true,
    holdRelays: () => group.share?.holdRelays(),
    postRelays: () => group.share?.postRelays() ?? [],
    appRenders: (type) => typeof appRenderers?.[type] === 'function',
    report,
    log,
    tap: __DEV__ ? (event) => tap?.(event) : undefined,
  })
  const connection: SseConnection = openConnection(
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
    { onMessage: pipeline.fromStream, onBatch: pipeline.batch, onStateChange: ownStateChanged, onError: report },
  )

  function feed(): StoreFeed | undefined {
    // Found once: the link keeps the store it found.
    if (linkedFeed === undefined) {
      const store = storeLink.get()
      linkedFeed = store && feedOf(store)
    }
    return linkedFeed
  }

  /** The store is found: bounds, the acknowledgement relay, and what happened before it. */
  function linkStore(store: SseStore): void {
    const linked = feedOf(store)
    const successStatuses = options.calc?.successStatuses ?? defaultCalcOptions.successStatuses
    linked.configure({ ...defaultStoreOptions, ...options.store, successStatuses })
    alarmSync = syncAlarms(store, () => group.share)
    // Pinia may arrive after the stream started (plugin installed first): catch up.
    linked.setConnection({ ...toRelayedState(connection.state), lastEventId: resume.id, role })
  }

  function report(error: SseError): void {
    log(error.kind, error.message)
    // App code: it sees the store as it is, even in the middle of a group of messages.
    linkedFeed?.publish()
    // The app's error callback must not break the stream.
    guarded(() => options.onError?.(error))
  }

  function setRole(next: SseRole): void {
    role = next
    feed()?.setConnection({ role })
    if (__DEV__) tap?.({ kind: 'role', role })
  }

  // --- what the tab shows of the stream ---------------------------------------------------------

  /** This tab's own connection changed: show it, and relay it when leading. */
  function ownStateChanged(state: Readonly<ConnectionState>): void {
    // A follower shows the leader's state; its own idle connection has nothing to say.
    if (role === 'follower') return
    log('status', state.status, state.error?.message ?? '')
    const relayed = { ...toRelayedState(state), lastEventId: resume.id, reconnects: reconnects.observe(state) }
    showState(relayed)
    group.share?.relayState(relayed)
  }

  function showState(state: RelayedConnectionState): void {
    shownStatus = state.status
    if (__DEV__) tap?.({ kind: 'state', state, role })
    const store = storeLink.get()
    if (!store) return
    const target = feedOf(store)
    target.setConnection({ ...state, lastEventId: resume.id, role })
    // `state.reconnects` is this login's count (relayed ones too); a store that missed some catches up.
    while (store.stats.reconnects < state.reconnects) target.countReconnect()
  }

  // --- the tab group ----------------------------------------------------------------------------

  function lead(): void {
    setRole(group.share?.role === 'solo' ? 'solo' : 'leader')
    connection.open()
  }

  function follow(): void {
    // A follower first: the closing of its own connection is no state of this tab's to show.
    role = 'follower'
    connection.close()
    setRole(role)
  }

  function showLeaderState(state: RelayedConnectionState): void {
    // The leader's resume point may be ahead of the relays: events it could not decode.
    resume.handOver(state.lastEventId)
    reconnects.adopt(state.reconnects)
    showState(state)
  }

  /** Leader side: the store and the resume point, for a tab that joins. */
  function snapshotForJoiner(sharing: typeof TabSharing): GroupSnapshot {
    const snapshot = feed()?.snapshot(sharing)
    const data =
      snapshot &&
      sharing.snapshotToText(snapshot, (what) => {
        report(new SseError('handler', `Tab sharing: the payload of ${what} cannot be written for a tab that joins; it gets the record without it`))
      })
    return { data, resumeId: resume.id }
  }

  function adoptSnapshot(snapshot: GroupSnapshot, sharing: typeof TabSharing): void {
    resume.handOver(snapshot.resumeId)
    const store = storeLink.get()
    if (!store || typeof snapshot.data !== 'string') return
    feedOf(store).hydrate(sharing, JSON.parse(snapshot.data) as Parameters<StoreFeed['hydrate']>[1])
    // The snapshot carries the leader's count of this login: it is the count here too.
    reconnects.adopt(store.stats.reconnects)
  }

  // --- login and logout -------------------------------------------------------------------------

  function connect(): void {
    if (disposed) return
    if (active) {
      // The stream gave up (a 4xx, 204, maxAttempts, a refused refresh): try again, through the
      // leader when another tab holds it.
      if (role !== 'follower') reopen()
      else if (shownStatus === 'closed') group.share?.requestRetry()
      return
    }
    active = true
    reconnects.startLogin()
    // Popups load with the login, before the first message needs one.
    if (!notifier && options.notify !== false && typeof document !== 'undefined') {
      notifier = createLazyNotifier(options.notify, options.calc, context.appContext ?? null, report)
    }
    if (options.share === false) {
      setRole('solo')
      connection.open()
    } else {
      // Until the election settles this tab holds no connection; a previous login's role must not show.
      setRole('follower')
      group.join(currentLogin)
    }
  }

  function reopen(): void {
    if (connection.state.status === 'closed') connection.open()
  }

  function currentLogin(): GroupLogin {
    const url = read(options.url)
    return { url: typeof location === 'undefined' ? url : new URL(url, location.href).href, token: token ?? null }
  }

  /** Leaves the stream (and the tab group) without touching the data. */
  function leave(broadcastLogout: boolean): void {
    group.leave(broadcastLogout)
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
    reconnects.reset(connection.state.reconnects)
    notifier?.closeAll()
    storeLink.get()?.reset()
  }

  /** The token changed while logged in: reconnect with it, keeping the data (it may be a refresh). */
  function tokenChanged(otherUser: boolean): void {
    if (!active) return connect()
    if (otherUser) {
      // Another signed-in user: the previous user's data must not stay on screen.
      stop(false)
      connect()
    } else if (group.movedAway(currentLogin())) {
      // Another user, or an opaque token that cannot tell: join the group of the new key.
      leave(false)
      active = false
      connect()
    } else if (role !== 'follower') {
      connection.restart()
    }
  }

  const hub: SseHub = {
    on: bus.on,
    once: bus.once,
    off: bus.off,
    clear: bus.clear,
    listenerCount: bus.listenerCount,
    get status() {
      return storeLink.get()?.connection.status ?? shownStatus
    },
    get role() {
      return role
    },
    get store() {
      return storeLink.get()
    },
    connect,
    disconnect: () => stop(true),
    dispose() {
      if (disposed) return
      stop(false)
      disposed = true
      alarmSync?.stop()
      loginScope?.stop()
      bus.clear()
      notifier?.dispose()
    },
    options,
  }
  if (__DEV__) {
    tap = createTap(hub, () => {
      const share = group.share
      return {
        role,
        listenerCount: bus.listenerCount,
        group: share && { tabId: share.tabId, login: share.login, role: share.role, dropped: share.dropped },
      }
    })
  }
  if (context.autoConnect !== false) {
    loginScope = watchLogin(options, (next) => (token = next), { login: connect, logout: () => stop(true), tokenChanged })
  }
  return hub
}
