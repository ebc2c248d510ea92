import { guarded } from './guard'
import type { RawSseMessage, SseMessage } from './protocol'
import { randomId } from './randomId'
import type { RelayedConnectionState } from './relayedState'
import type { SseRole } from './role'
import { createEndedLogins, createTabGroup } from './tabGroup'
import type { EndedLogins, TabGroup } from './tabGroup'
import { createPresence, documentPresence, listenToPage } from './tabSharePresence'
import { openTabChannel } from './tabShareChannel'
import type { TabChannel } from './tabShareChannel'
import { createElection } from './tabShareElection'
import { NAME_PREFIX } from './tabShareWire'
import type { GroupSnapshot, Received, RelayedMessage, TabPresence, WireBody } from './tabShareWire'

export type { RelayedConnectionState } from './relayedState'
export type { GroupSnapshot, RelayedMessage, TabPresence } from './tabShareWire'

// One SSE connection for all tabs of a user: the tabs elect a leader with the Web Locks API and the
// leader relays every decoded message over BroadcastChannel. A tab takes messages, state and snapshots
// only from the leader it knows, for its own login (see tabGroup.ts).
// Web Locks: https://w3c.github.io/web-locks/
// BroadcastChannel: https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts

export interface TabShareCallbacks {
  /** This tab now leads: open the connection, resuming from the group's resume point. */
  onLead(): void
  /** This tab follows: it must not hold a connection. Called once, at start, when another tab leads. */
  onFollow(): void
  /** A message relayed by the leader. `notifyHere` says whether this tab should pop its notification. */
  onMessage(relayed: RelayedMessage, notifyHere: boolean): void
  /** The leader's connection state. */
  onState(state: RelayedConnectionState): void
  /** A late joiner gets the leader's store snapshot and the resume point it goes with. */
  onSnapshot(snapshot: GroupSnapshot): void
  /** A tab of this login logged out: drop the stream and the data. */
  onLogout(): void
  /**
   * The group's new leader serves another login than the one this tab holds data of (it never heard
   * that login end): forget that data; the new login's snapshot follows.
   */
  onRegroup(): void
  /** The user marked these alarms read in another tab, or (`clear`) removed every alarm there. */
  onAcknowledge(ids: string[], clear: boolean): void
  /** Leader: a follower asks to open the stream again after it gave up (its user pressed retry). */
  onRetry(): void
}

export interface TabShareOptions extends TabShareCallbacks {
  /** Lock and channel name suffix; see {@link shareKey}. Tabs with different keys never share. */
  key: string
  /** Leader side: the current store snapshot (structured-cloneable) and resume point, for a tab that joins. */
  getSnapshot(): GroupSnapshot
  /**
   * Logins that ended in this tab; pass the same memory to the tab share of each login.
   * @default a memory of this tab share's own
   */
  ended?: EndedLogins
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
   * Receives what a callback throws and what cannot be posted. The tab goes on either way.
   * @default rethrown in a microtask (reported as an uncaught error)
   */
  onError?: (error: unknown) => void
  /**
   * Told of every channel message dropped as not this tab's (another login, a tab that is not the
   * leader, a stale leader), with the reason.
   * @default undefined
   */
  onDrop?: (reason: string) => void
}

export interface TabShare {
  readonly role: SseRole
  /** Random id of this tab, unique among the tabs sharing a key. */
  readonly tabId: string
  /** The login this tab's group serves; '' until known. */
  readonly login: string
  /** Channel messages dropped as not this tab's (see `onDrop`). */
  readonly dropped: number
  /** Joins the channel, asks the leader for a snapshot and state, requests the lock. Once only. */
  start(): void
  /** Leaves: releases the lock (another tab takes over) and closes the channel. Idempotent. */
  stop(): void
  /**
   * Leader: sends a decoded message to the other tabs; `message.id` is the group's resume point after
   * it, `eventId` the event's own id. `raw` goes instead when the message cannot be cloned. Returns
   * true when THIS tab should pop the notification (always true unless leading).
   */
  relay(message: SseMessage, eventId: string | undefined, raw?: Pick<RawSseMessage, 'event' | 'data'>): boolean
  /** Leader: sends the connection state to the other tabs (and keeps it for tabs that join). */
  relayState(state: RelayedConnectionState): void
  /** Tells every other tab of this login to log out; this tab handles its own logout. */
  broadcastLogout(): void
  /** Tells every other tab that the user marked these alarms read, or (`clear`) removed every alarm. */
  broadcastAcknowledge(ids: string[], clear: boolean): void
  /** Follower: asks the leader to open its stream again after it gave up. */
  requestRetry(): void
}

/** Creates the election and relay for one tab and login. Call `start()` to join. */
export function createTabShare(options: TabShareOptions): TabShare {
  const locks = options.locks === undefined ? globalThis.navigator?.locks : options.locks
  const Channel = options.BroadcastChannel === undefined ? globalThis.BroadcastChannel : options.BroadcastChannel
  const presence = createPresence(options.presence ?? documentPresence, report)
  const name = NAME_PREFIX + options.key
  const tabId = randomId()
  const group: TabGroup = createTabGroup(options.ended ?? createEndedLogins())
  const election = createElection(name, tabId, { onJoin: join, onLead: lead, onFollow: follow, onGone: forget, onFail: goSolo })
  // Leader side: tabs already given a snapshot (a tab may say hello twice around a failover).
  const snapshotSent = new Set<string>()

  let role: SseRole = 'follower'
  let lastState: RelayedConnectionState | null = null
  let hasSnapshot = false
  let started = false
  let stopped = false
  let dropped = 0
  // The term this tab announced when it took the lead (its snapshots carry it).
  let termOfLead = 0
  // In the group: from start until this tab stops or goes solo.
  let channel: TabChannel | null = null
  let removeListeners: () => void = () => {}

  // Without onError, an error is rethrown in a microtask: reported as uncaught, and the tab goes on.
  function report(error: unknown): void {
    if (options.onError) guarded(() => options.onError?.(error))
    else
      queueMicrotask(() => {
        throw error
      })
  }

  // Callbacks run guarded: a throw inside a lock callback would release the lock.
  function call(callback: () => void): void {
    if (!stopped) guarded(callback, report)
  }

  function post(body: WireBody, beforeJoining?: boolean): boolean {
    return channel?.post(body, beforeJoining) === true
  }

  function drop(wire: Received, reason: string): void {
    dropped++
    const handler = options.onDrop
    if (handler) call(() => handler(`${wire.kind} from tab ${wire.from.slice(0, 8)}: ${reason}`))
  }

  function announce(kind: 'hello' | 'presence'): void {
    post({ kind, presence: presence.own() })
  }

  // Locks unusable after all (e.g. an opaque origin): fall back to a connection of our own.
  function goSolo(error: unknown): void {
    if (stopped || role === 'solo') return
    report(error)
    post({ kind: 'bye' })
    leaveChannel()
    removeListeners()
    const wasLeader = role === 'leader'
    role = 'solo'
    if (!wasLeader) call(() => options.onLead())
  }

  /** This tab holds its own lock: it says hello, and the election begins. */
  function join(): void {
    channel?.join()
    announce('hello')
  }

  function lead(): void {
    role = 'leader'
    const { login, term } = group.lead(tabId)
    termOfLead = term
    post({ kind: 'lead', login, term })
    for (const id of presence.peers()) watch(id)
    call(() => options.onLead())
  }

  function follow(): void {
    call(() => options.onFollow())
  }

  function watch(id: string): void {
    if (role === 'leader') election.watch(id)
  }

  function forget(id: string): void {
    presence.forget(id)
    snapshotSent.delete(id)
    election.forget(id)
    group.forget(id)
  }

  function notePresence(id: string, p: TabPresence): void {
    presence.note(id, p)
    watch(id)
  }

  /** Leader: the store snapshot for a tab that joins. What getSnapshot throws costs that tab its snapshot. */
  function sendSnapshot(to: string): void {
    guarded(() => {
      const snapshot = options.getSnapshot()
      // The state goes with the snapshot's resume point: the one relayed last may be older.
      const state = lastState && { ...lastState, lastEventId: snapshot.resumeId }
      if (post({ kind: 'snapshot', login: group.login, term: termOfLead, to, snapshot, state })) snapshotSent.add(to)
    }, report)
  }

  function onChannelMessage(wire: Received): void {
    if (stopped) return
    const from = wire.from
    switch (wire.kind) {
      case 'hello':
        notePresence(from, wire.presence)
        if (role === 'leader' && !snapshotSent.has(from)) sendSnapshot(from)
        break
      case 'presence':
        notePresence(from, wire.presence)
        break
      case 'bye':
        forget(from)
        break
      case 'lead': {
        if (role !== 'follower') return drop(wire, `this tab ${role === 'leader' ? 'leads' : 'is on its own'}`)
        const verdict = group.heardLead(from, wire.login, wire.term)
        if (verdict === 'drop') return drop(wire, 'an ended login or an earlier leader')
        if (verdict === 'regroup') {
          hasSnapshot = false
          call(() => options.onRegroup())
        }
        // The new leader has no presence of ours yet; a tab whose hello went unanswered asks again.
        announce(hasSnapshot ? 'presence' : 'hello')
        break
      }
      case 'message':
        if (role !== 'follower' || !group.isLeader(from, wire.login)) return drop(wire, notFromLeader())
        call(() => options.onMessage(wire.relayed, wire.notify === tabId))
        break
      case 'state':
        if (role !== 'follower' || !group.isLeader(from, wire.login)) return drop(wire, notFromLeader())
        lastState = wire.state
        call(() => options.onState(wire.state))
        break
      case 'snapshot':
        if (wire.to !== tabId) return
        if (role !== 'follower' || !group.heardSnapshot(from, wire.login, wire.term)) {
          return drop(wire, 'another login, or this tab leads')
        }
        hasSnapshot = true
        call(() => options.onSnapshot(wire.snapshot))
        if (wire.state) {
          const state = wire.state
          lastState = state
          call(() => options.onState(state))
        }
        break
      case 'logout':
        if (!group.heardLogout(wire.login)) return drop(wire, 'another login')
        call(() => options.onLogout())
        break
      case 'ack':
        if (!group.isOwn(wire.login)) return drop(wire, 'another login')
        call(() => options.onAcknowledge(wire.ids, wire.clear))
        break
      case 'retry':
        if (role !== 'leader' || !group.isOwn(wire.login)) return drop(wire, 'this tab does not lead that login')
        call(() => options.onRetry())
        break
    }
  }

  function notFromLeader(): string {
    if (role !== 'follower') return `this tab ${role === 'leader' ? 'leads' : 'is on its own'}`
    return group.login === '' ? 'no leader known yet (the snapshot brings what came before)' : 'not the leader of this login'
  }

  function leaveChannel(): void {
    channel?.leave()
    channel = null
  }

  function start(): void {
    if (started || stopped) return
    started = true
    if (!locks || typeof locks.request !== 'function' || !Channel) {
      role = 'solo'
      call(() => options.onLead())
      return
    }
    try {
      channel = openTabChannel(Channel, name, tabId, onChannelMessage, report)
    } catch (error) {
      goSolo(error)
      return
    }
    removeListeners = listenToPage(
      () => announce('presence'),
      () => post({ kind: 'bye' }),
      () => announce('hello'),
    )
    election.start(locks)
  }

  function stop(): void {
    if (stopped) return
    post({ kind: 'bye' })
    stopped = true
    role = 'follower'
    removeListeners()
    leaveChannel()
    election.stop()
  }

  function relay(message: SseMessage, eventId: string | undefined, raw?: Pick<RawSseMessage, 'event' | 'data'>): boolean {
    if (role !== 'leader') return true
    const notify = presence.notifier(tabId)
    // A leader is in its group: it joined before it was elected.
    const error = channel!.relay(group.login, notify, message, eventId, raw)
    if (error !== null) report(error)
    // Unsent: no other tab will pop it, so this one does.
    return error !== null || notify === tabId
  }

  function relayState(state: RelayedConnectionState): void {
    if (role === 'follower') return
    lastState = state
    if (role === 'leader') post({ kind: 'state', login: group.login, state })
  }

  function broadcastLogout(): void {
    // Even from a tab still joining: the group it joins is the user's.
    post({ kind: 'logout', login: group.signOut() }, true)
  }

  function broadcastAcknowledge(ids: string[], clear: boolean): void {
    if (group.login !== '') post({ kind: 'ack', login: group.login, ids, clear })
  }

  function requestRetry(): void {
    if (role === 'follower' && group.login !== '') post({ kind: 'retry', login: group.login })
  }

  return {
    get role() {
      return role
    },
    tabId,
    get login() {
      return group.login
    },
    get dropped() {
      return dropped
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
