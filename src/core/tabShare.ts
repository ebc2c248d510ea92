import type { SseMessage } from '../protocol'
import { createIdWindow } from './idWindow'
import { isRecord } from './isRecord'
import type { RelayedConnectionState } from './relayedState'

// One SSE connection for all tabs of a user: the tabs elect a leader with the Web Locks API and the
// leader relays every decoded message over BroadcastChannel.
// Web Locks: https://w3c.github.io/web-locks/
// BroadcastChannel: https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts

const NAME_PREFIX = 'vue-sse-hub:'
const PROTOCOL_VERSION = 1

/** Where a tab stands, for choosing which tab pops a notification. */
export interface TabPresence {
  visible: boolean
  focused: boolean
}

export interface TabShareCallbacks {
  /** This tab now leads: open the connection, resuming from `lastEventId` (last id this tab saw). */
  onLead(lastEventId: string): void
  /** This tab follows: it must not hold a connection. Called once, at start, when another tab leads. */
  onFollow(): void
  /** A message relayed by the leader. `notifyHere` says whether this tab should pop its notification. */
  onMessage(message: SseMessage, notifyHere: boolean): void
  /** The leader's connection state. */
  onState(state: RelayedConnectionState): void
  /** A late joiner gets the leader's store snapshot (whatever the leader's `getSnapshot` returned). */
  onSnapshot(snapshot: unknown): void
  /** Another tab logged out: drop the stream and the data. */
  onLogout(): void
  /** The user marked these alarms read in another tab, or (`clear`) removed every alarm there. */
  onAcknowledge(ids: string[], clear: boolean): void
  /** Leader: a follower asks to open the stream again after it gave up (its user pressed retry). */
  onRetry(): void
}

export interface TabShareOptions extends TabShareCallbacks {
  /** Lock and channel name suffix; see {@link shareKey}. Tabs with different keys never share. */
  key: string
  /** Leader side: the current store snapshot (structured-cloneable) for a tab that joins. */
  getSnapshot(): unknown
  /**
   * Web Locks; without them every tab is `solo`.
   * @default globalThis.navigator?.locks
   */
  locks?: LockManager | null
  /**
   * BroadcastChannel constructor; without it every tab is `solo`.
   * @default globalThis.BroadcastChannel
   */
  BroadcastChannel?: typeof BroadcastChannel | null
  /**
   * Presence of this tab, read whenever it is reported or a notifier is chosen.
   * @default document.visibilityState === 'visible' and document.hasFocus()
   */
  presence?: () => TabPresence
  /**
   * Receives what a callback throws and what cannot be posted (e.g. a snapshot that is not
   * structured-cloneable). The tab goes on either way.
   * @default rethrown in a microtask (reported as an uncaught error)
   */
  onError?: (error: unknown) => void
}

/**
 * `solo`: not sharing (no Web Locks or BroadcastChannel): this tab holds its own connection.
 * `leader`: holds the connection and relays. `follower`: must not hold a connection; also the role
 * before the election is decided and after `stop()`.
 */
export type TabRole = 'solo' | 'leader' | 'follower'

export interface TabShare {
  readonly role: TabRole
  /** Random id of this tab, unique among the tabs sharing a key. */
  readonly tabId: string
  /** Last message id seen by this tab (own stream or relayed). */
  readonly lastEventId: string
  /** Joins the channel, asks the leader for a snapshot and state, requests the lock. Once only. */
  start(): void
  /** Leaves: releases the lock (another tab takes over) and closes the channel. Idempotent. */
  stop(): void
  /**
   * Leader: sends a decoded message to the other tabs. Returns true when THIS tab should pop the
   * notification (always true unless leading).
   */
  relay(message: SseMessage): boolean
  /** Leader: sends the connection state to the other tabs (and keeps it for tabs that join). */
  relayState(state: RelayedConnectionState): void
  /** Tells every other tab to log out; this tab handles its own logout. */
  broadcastLogout(): void
  /** Tells every other tab that the user marked these alarms read, or (`clear`) removed every alarm. */
  broadcastAcknowledge(ids: string[], clear: boolean): void
  /** Follower: asks the leader to open its stream again after it gave up. */
  requestRetry(): void
}

// Channel protocol. Every message carries the version marker and the sender's tab id.
type WireBody =
  | { kind: 'hello'; presence: TabPresence }
  | { kind: 'presence'; presence: TabPresence }
  | { kind: 'bye' }
  | { kind: 'lead' }
  // `carried`: the id did not change since the leader's previous message, i.e. the event had no id
  // of its own and repeats the last one: not a replay, so never dropped as a duplicate.
  | { kind: 'message'; message: SseMessage; notify: string; carried: boolean }
  | { kind: 'state'; state: RelayedConnectionState }
  | { kind: 'snapshot'; to: string; snapshot: unknown; state: RelayedConnectionState | null }
  | { kind: 'logout' }
  | { kind: 'ack'; ids: string[]; clear: boolean }
  | { kind: 'retry' }
type Wire = WireBody & { v: typeof PROTOCOL_VERSION; from: string }
type Received = WireBody & { from: string }

interface Peer extends TabPresence {
  /** Order of the last report, so the most recently focused tab wins. */
  order: number
}

/** Creates the election and relay for one tab. Call `start()` to join. */
export function createTabShare(options: TabShareOptions): TabShare {
  const locks = options.locks === undefined ? globalThis.navigator?.locks : options.locks
  const Channel = options.BroadcastChannel === undefined ? globalThis.BroadcastChannel : options.BroadcastChannel
  const presence = options.presence ?? documentPresence
  const name = NAME_PREFIX + options.key
  const tabId = randomId()
  const ids = createIdWindow()
  const peers = new Map<string, Peer>()
  // Leader side: one pending request per known tab for that tab's own lock, granted when it is gone.
  const watches = new Map<string, AbortController>()
  // Leader side: tabs already given a snapshot (a tab may say hello twice around a failover).
  const snapshotSent = new Set<string>()
  const aborter = new AbortController()
  let releaseHeld!: () => void
  const untilStop = new Promise<void>((resolve) => {
    releaseHeld = resolve
  })

  let role: TabRole = 'follower'
  let lastEventId = ''
  let lastState: RelayedConnectionState | null = null
  let leaderId = ''
  let hasSnapshot = false
  let started = false
  let stopped = false
  let joined = false
  let order = 0
  let channel: BroadcastChannel | null = null
  let removeListeners: () => void = () => {}

  function report(error: unknown): void {
    if (options.onError) {
      try {
        options.onError(error)
      } catch {
        // An error handler that throws must not break the tab's state.
      }
    } else {
      queueMicrotask(() => {
        throw error
      })
    }
  }

  // Callbacks run guarded: a throw inside a lock callback would release the lock.
  function call(fn: () => void): void {
    if (stopped) return
    try {
      fn()
    } catch (error) {
      report(error)
    }
  }

  function post(body: WireBody): boolean {
    if (!channel || !joined) return false
    try {
      channel.postMessage({ v: PROTOCOL_VERSION, from: tabId, ...body } satisfies Wire)
      return true
    } catch (error) {
      report(error)
      return false
    }
  }

  function ownPresence(): TabPresence {
    try {
      return toPresence(presence())
    } catch (error) {
      report(error)
      return toPresence({})
    }
  }

  function announce(kind: 'hello' | 'presence'): void {
    post({ kind, presence: ownPresence() })
  }

  function settle(promise: Promise<unknown>, onFailure: (error: unknown) => void): void {
    promise.catch((error: unknown) => {
      // Aborts are our own doing (stop, a tab forgotten), not failures.
      if (!stopped && (error as { name?: unknown } | null | undefined)?.name !== 'AbortError') onFailure(error)
    })
  }

  // Locks unusable after all (e.g. an opaque origin): fall back to a connection of our own.
  function goSolo(error: unknown): void {
    if (stopped || role === 'solo') return
    report(error)
    post({ kind: 'bye' })
    closeChannel()
    removeListeners()
    const wasLeader = role === 'leader'
    role = 'solo'
    if (!wasLeader) call(() => options.onLead(lastEventId))
  }

  function lead(): Promise<void> | undefined {
    if (stopped) return undefined
    role = 'leader'
    leaderId = tabId
    post({ kind: 'lead' })
    for (const id of peers.keys()) watch(id)
    call(() => options.onLead(lastEventId))
    return untilStop
  }

  function elect(): void {
    const signal = aborter.signal
    // No signal here: the standard rejects `signal` with `ifAvailable`, and this request never waits.
    const first = locks!.request(name, { ifAvailable: true }, (lock) => {
      if (stopped) return undefined
      if (lock) return lead()
      call(() => options.onFollow())
      settle(
        locks!.request(name, { signal }, () => lead()),
        goSolo,
      )
      return undefined
    })
    settle(first, goSolo)
  }

  function watch(id: string): void {
    if (role !== 'leader' || watches.has(id)) return
    const controller = new AbortController()
    watches.set(id, controller)
    const request = locks!.request(tabLockName(id), { signal: controller.signal }, () => {
      if (watches.get(id) === controller) forget(id)
    })
    settle(request, () => {
      if (watches.get(id) === controller) watches.delete(id)
    })
  }

  function forget(id: string): void {
    peers.delete(id)
    snapshotSent.delete(id)
    watches.get(id)?.abort()
    watches.delete(id)
    if (id === leaderId) leaderId = ''
  }

  function notePresence(id: string, p: TabPresence): void {
    peers.set(id, { ...p, order: ++order })
    watch(id)
  }

  function chooseNotifier(): string {
    const own = ownPresence()
    if (own.visible && own.focused) return tabId
    let chosen = tabId
    let chosenOrder = -1
    for (const [id, peer] of peers) {
      if (peer.visible && peer.focused && peer.order > chosenOrder) {
        chosen = id
        chosenOrder = peer.order
      }
    }
    return chosen
  }

  function noteId(id: string): void {
    if (id !== '') lastEventId = id
  }

  function receive(message: SseMessage, notifyHere: boolean, carried: boolean): void {
    // A leader that died may still have messages in flight that the next leader replays.
    if (!carried && ids.seen(message.id)) return
    noteId(message.id)
    call(() => options.onMessage(message, notifyHere))
  }

  function keepState(state: RelayedConnectionState): void {
    lastState = state
    noteId(state.lastEventId)
  }

  function applyState(state: RelayedConnectionState): void {
    keepState(state)
    call(() => options.onState(state))
  }

  function onChannelMessage(event: MessageEvent): void {
    if (stopped) return
    const wire = readWire(event.data)
    if (!wire || wire.from === tabId) return
    const from = wire.from
    switch (wire.kind) {
      case 'hello':
        notePresence(from, wire.presence)
        if (role === 'leader' && !snapshotSent.has(from)) {
          let snapshot: unknown
          try {
            snapshot = options.getSnapshot()
          } catch (error) {
            report(error)
            return
          }
          if (post({ kind: 'snapshot', to: from, snapshot, state: lastState })) snapshotSent.add(from)
        }
        break
      case 'presence':
        notePresence(from, wire.presence)
        break
      case 'bye':
        forget(from)
        break
      case 'lead':
        if (role === 'leader') return
        leaderId = from
        // The new leader has no presence of ours yet; a tab whose hello went unanswered asks again.
        announce(hasSnapshot ? 'presence' : 'hello')
        break
      case 'message':
        receive(wire.message, wire.notify === tabId, wire.carried)
        break
      case 'state':
        // Our own state wins; a dead leader's late state must not overwrite the new leader's.
        if (role !== 'follower' || (leaderId !== '' && from !== leaderId)) return
        leaderId = from
        applyState(wire.state)
        break
      case 'snapshot':
        if (wire.to !== tabId || role !== 'follower') return
        leaderId = from
        hasSnapshot = true
        call(() => options.onSnapshot(wire.snapshot))
        if (wire.state) applyState(wire.state)
        break
      case 'logout':
        call(() => options.onLogout())
        break
      case 'ack':
        call(() => options.onAcknowledge(wire.ids, wire.clear))
        break
      case 'retry':
        if (role === 'leader') call(() => options.onRetry())
        break
    }
  }

  function closeChannel(): void {
    if (!channel) return
    channel.removeEventListener('message', onChannelMessage)
    channel.close()
    channel = null
  }

  function listenToPage(): () => void {
    const onChange = (): void => announce('presence')
    const doc = typeof document !== 'undefined' ? document : null
    const win = typeof window !== 'undefined' && typeof window.addEventListener === 'function' ? window : null
    const listeners: [EventTarget | null, string, (event: Event) => void][] = [
      [doc, 'visibilitychange', onChange],
      [win, 'focus', onChange],
      [win, 'blur', onChange],
      [win, 'pagehide', () => post({ kind: 'bye' })],
      [
        win,
        'pageshow',
        (event) => {
          if ((event as PageTransitionEvent).persisted) announce('hello')
        },
      ],
    ]
    for (const [target, type, listener] of listeners) target?.addEventListener(type, listener)
    return () => {
      for (const [target, type, listener] of listeners) target?.removeEventListener(type, listener)
    }
  }

  function tabLockName(id: string): string {
    return `${name}:tab:${id}`
  }

  function start(): void {
    if (started || stopped) return
    started = true
    if (!locks || typeof locks.request !== 'function' || !Channel) {
      role = 'solo'
      call(() => options.onLead(lastEventId))
      return
    }
    try {
      channel = new Channel(name)
    } catch (error) {
      goSolo(error)
      return
    }
    channel.addEventListener('message', onChannelMessage)
    removeListeners = listenToPage()
    // This tab's own lock, held until it stops or dies: the leader waits on it to learn that a tab is
    // gone even without a goodbye. Nothing is posted before it is held, so no tab is watched early.
    const own = locks.request(tabLockName(tabId), { signal: aborter.signal }, () => {
      if (stopped) return undefined
      joined = true
      announce('hello')
      elect()
      return untilStop
    })
    settle(own, goSolo)
  }

  function stop(): void {
    if (stopped) return
    post({ kind: 'bye' })
    stopped = true
    role = 'follower'
    removeListeners()
    closeChannel()
    aborter.abort()
    for (const controller of watches.values()) controller.abort()
    watches.clear()
    releaseHeld()
  }

  function relay(message: SseMessage): boolean {
    const carried = message.id !== '' && message.id === lastEventId
    ids.seen(message.id)
    noteId(message.id)
    if (role !== 'leader') return true
    const notify = chooseNotifier()
    const sent = post({
      kind: 'message',
      message: { type: message.type, data: message.data, id: message.id },
      notify,
      carried,
    })
    // Unsent: no other tab will pop it, so this one does.
    return !sent || notify === tabId
  }

  function relayState(state: RelayedConnectionState): void {
    if (role === 'follower') return
    keepState(state)
    if (role === 'leader') post({ kind: 'state', state })
  }

  function broadcastLogout(): void {
    post({ kind: 'logout' })
  }

  function broadcastAcknowledge(ids: string[], clear: boolean): void {
    post({ kind: 'ack', ids, clear })
  }

  function requestRetry(): void {
    if (role === 'follower') post({ kind: 'retry' })
  }

  return {
    get role() {
      return role
    },
    tabId,
    get lastEventId() {
      return lastEventId
    },
    start,
    stop,
    relay,
    relayState,
    broadcastLogout,
    broadcastAcknowledge,
    requestRetry,
  }
}

function readWire(data: unknown): Received | null {
  if (!isRecord(data) || data.v !== PROTOCOL_VERSION) return null
  const { kind, from } = data
  if (typeof from !== 'string' || from === '') return null
  const wire = (body: WireBody): Received => ({ ...body, from })
  switch (kind) {
    case 'hello':
    case 'presence':
      return wire({ kind, presence: toPresence(isRecord(data.presence) ? data.presence : {}) })
    case 'bye':
    case 'lead':
    case 'logout':
    case 'retry':
      return wire({ kind })
    case 'message': {
      const message = data.message
      if (!isRecord(message) || typeof message.type !== 'string' || typeof message.id !== 'string') {
        return null
      }
      const notify = typeof data.notify === 'string' ? data.notify : ''
      const copy: SseMessage = { type: message.type, data: message.data, id: message.id }
      return wire({ kind, notify, message: copy, carried: data.carried === true })
    }
    case 'ack': {
      const ids = data.ids
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return null
      return wire({ kind, ids, clear: data.clear === true })
    }
    case 'state':
      return isState(data.state) ? wire({ kind, state: data.state }) : null
    case 'snapshot':
      if (typeof data.to !== 'string') return null
      return wire({ kind, to: data.to, snapshot: data.snapshot, state: isState(data.state) ? data.state : null })
    default:
      return null
  }
}

function isState(value: unknown): value is RelayedConnectionState {
  return isRecord(value) && typeof value.status === 'string' && typeof value.lastEventId === 'string'
}

function toPresence(value: { visible?: unknown; focused?: unknown }): TabPresence {
  return { visible: value.visible === true, focused: value.focused === true }
}

function documentPresence(): TabPresence {
  const doc: Partial<Document> = typeof document === 'undefined' ? {} : document
  return { visible: doc.visibilityState === 'visible', focused: doc.hasFocus?.() === true }
}

function randomId(): string {
  const bytes = new Uint8Array(16)
  // getRandomValues, unlike randomUUID, works outside secure contexts: plain-http intranet admin apps
  // are common.
  if (typeof globalThis.crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.random() * 256
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
