// One tab's part in sharing one SSE connection among the tabs of a user: it joins the group, is
// elected leader or follows, and acts on each kind of message the other tabs post. The leader relays
// every decoded message (those of one slice of its stream in one channel message) and hands a
// snapshot to each tab that joins; a tab takes messages, state and snapshots only from the leader it
// knows, for its own login (tabGroup.ts). Its parts: the election (tabShareElection.ts), the channel
// (tabShareChannel.ts), where the tabs stand (tabSharePresence.ts) and what goes between them
// (tabShareWire.ts).
import { guarded } from './guard'
import type { RawSseMessage, SseMessage } from './protocol'
import { randomId } from './randomId'
import type { RelayedConnectionState } from './relayedState'
import type { SseRole } from './role'
import { createEndedLogins, createTabGroup } from './tabGroup'
import type { EndedLogins } from './tabGroup'
import { openTabChannel } from './tabShareChannel'
import type { Relay, TabChannel } from './tabShareChannel'
import { createElection } from './tabShareElection'
import { createPresence, documentPresence, listenToPage } from './tabSharePresence'
import { NAME_PREFIX } from './tabShareWire'
import type { GroupSnapshot, Received, RelayedEntry, RelayedMessage, TabPresence, WireBody } from './tabShareWire'

export type { RelayedConnectionState } from './relayedState'
export type { GroupSnapshot, RelayedMessage, TabPresence } from './tabShareWire'

export interface TabShareCallbacks {
  /** This tab now leads: open the connection, resuming from the group's resume point. */
  onLead(): void
  /** This tab follows: it must not hold a connection. Called once, at start, when another tab leads. */
  onFollow(): void
  /** A message relayed by the leader. `notifyHere` says whether this tab should pop its notification. */
  onMessage(relayed: RelayedMessage, notifyHere: boolean): void
  /**
   * Wraps the delivery of the messages the leader relayed together (one slice of its stream): they
   * still come to `onMessage` one by one, while `deliver` runs. A tab that stops in the middle gets
   * none of the rest.
   * @default each message on its own
   */
  onBatch?(deliver: () => void): void
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
   * Leader: sends a decoded message to the other tabs (between `holdRelays` and `postRelays`, with the
   * others held); `message.id` is the group's resume point after it, `eventId` the event's own id. `raw`
   * goes instead when the message cannot be cloned. Returns true when THIS tab should pop the
   * notification (always true unless leading).
   */
  relay(message: SseMessage, eventId: string | undefined, raw?: Pick<RawSseMessage, 'event' | 'data'>): boolean
  /** Leader: what `relay` gets from now on is held, to go in one channel message at `postRelays`. */
  holdRelays(): void
  /**
   * Posts what was held, and relays at once again. Returns the messages that could not be posted
   * (reported) whose popup another tab was to show: no tab pops them unless this one does.
   */
  postRelays(): SseMessage[]
  /** Leader: sends the connection state to the other tabs (and keeps it for tabs that join). */
  relayState(state: RelayedConnectionState): void
  /** Tells every other tab of this login to log out; this tab handles its own logout. */
  broadcastLogout(): void
  /** Tells every other tab that the user marked these alarms read, or (`clear`) removed every alarm. */
  broadcastAcknowledge(ids: string[], clear: boolean): void
  /** Follower: asks the leader to open its stream again after it gave up. */
  requestRetry(): void
}

/** What each kind of message from another tab does in this one. */
type Handlers = { [K in Received['kind']]: (wire: Extract<Received, { kind: K }>) => void }

/** Creates the election and relay for one tab and login. Call `start()` to join. */
export function createTabShare(options: TabShareOptions): TabShare {
  const locks = options.locks === undefined ? globalThis.navigator?.locks : options.locks
  const Channel = options.BroadcastChannel === undefined ? globalThis.BroadcastChannel : options.BroadcastChannel
  const name = NAME_PREFIX + options.key
  const tabId = randomId()
  const group = createTabGroup(options.ended ?? createEndedLogins())
  const presence = createPresence(options.presence ?? documentPresence, report)
  const election = createElection(name, tabId, { join, lead, follow, forget, goSolo })
  // Leader side: tabs already given a snapshot (a tab may say hello twice around a failover).
  const sent = new Set<string>()

  let role: SseRole = 'follower'
  // In the group: from start until this tab stops or goes solo.
  let channel: TabChannel | null = null
  let removeListeners: () => void = () => {}
  // The connection state known last, this tab's own or its leader's: a snapshot carries it.
  let lastState: RelayedConnectionState | null = null
  let hasSnapshot = false
  let started = false
  let stopped = false
  let dropped = 0
  // The term this tab announced when it took the lead (its snapshots carry it).
  let termOfLead = 0
  // Leader: relays held until postRelays (null: relays go at once), and the messages whose relay could
  // not be posted that this tab pops.
  let held: Relay[] | null = null
  let leftHere: SseMessage[] = []

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
    // After the relays held: a state, a snapshot or a logout speaks of what was delivered before it.
    postHeld()
    return channel?.post(body, beforeJoining) === true
  }

  function announce(kind: 'hello' | 'presence'): void {
    post({ kind, presence: presence.own() })
  }

  function start(): void {
    if (started || stopped) return
    started = true
    if (!locks || typeof locks.request !== 'function' || !Channel) return beSolo()
    try {
      channel = openTabChannel(Channel, name, tabId, receive, report)
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
    for (const id of presence.peers()) election.watch(id)
    call(() => options.onLead())
  }

  function follow(): void {
    call(() => options.onFollow())
  }

  // Locks unusable after all (e.g. an opaque origin): fall back to a connection of our own.
  function goSolo(error: unknown): void {
    if (stopped || role === 'solo') return
    report(error)
    leaveGroup()
    beSolo()
  }

  /** No group to share with: this tab holds a connection of its own (a leader holds one already). */
  function beSolo(): void {
    const wasLeader = role === 'leader'
    role = 'solo'
    if (!wasLeader) call(() => options.onLead())
  }

  function leaveGroup(): void {
    post({ kind: 'bye' })
    channel?.leave()
    channel = null
    removeListeners()
  }

  /** Another tab said hello, or where it stands now; a leader watches it from then on. */
  function meet(id: string, where: TabPresence): void {
    presence.note(id, where)
    if (role === 'leader') election.watch(id)
  }

  /** A tab went away: it said goodbye, or its own lock was released. */
  function forget(id: string): void {
    presence.forget(id)
    sent.delete(id)
    election.forget(id)
    group.forget(id)
  }

  function receive(wire: Received): void {
    // The table pairs each kind with its handler; TypeScript cannot follow that through the lookup.
    if (!stopped) (handlers[wire.kind] as (wire: Received) => void)(wire)
  }

  const handlers: Handlers = {
    hello(wire) {
      meet(wire.from, wire.presence)
      if (role === 'leader' && !sent.has(wire.from)) sendSnapshot(wire.from)
    },
    presence: (wire) => meet(wire.from, wire.presence),
    bye: (wire) => forget(wire.from),
    lead: heardLead,
    message(wire) {
      if (!fromLeader(wire)) return
      if (!wire.preceding) return call(() => options.onMessage(wire.relayed, wire.notify === tabId))
      const entries = [...wire.preceding, { relayed: wire.relayed, notify: wire.notify }]
      const onBatch = options.onBatch
      if (onBatch) call(() => onBatch(() => takeRelayed(entries)))
      else takeRelayed(entries)
    },
    state(wire) {
      if (fromLeader(wire)) takeState(wire.state)
    },
    snapshot: heardSnapshot,
    logout(wire) {
      if (!group.heardLogout(wire.login)) return drop(wire, 'another login')
      call(() => options.onLogout())
    },
    ack(wire) {
      if (!group.isOwn(wire.login)) return drop(wire, 'another login')
      call(() => options.onAcknowledge(wire.ids, wire.clear))
    },
    retry(wire) {
      if (role !== 'leader' || !group.isOwn(wire.login)) return drop(wire, 'this tab does not lead that login')
      call(() => options.onRetry())
    },
  }

  /** Relayed messages, in order, until this tab stops (a listener may log out). */
  function takeRelayed(entries: RelayedEntry[]): void {
    for (const { relayed, notify } of entries) {
      if (stopped) return
      call(() => options.onMessage(relayed, notify === tabId))
    }
  }

  function heardLead(wire: Extract<Received, { kind: 'lead' }>): void {
    if (role !== 'follower') return drop(wire, notFollowing())
    const verdict = group.heardLead(wire.from, wire.login, wire.term)
    if (verdict === 'drop') return drop(wire, 'an ended login or an earlier leader')
    if (verdict === 'regroup') {
      hasSnapshot = false
      call(() => options.onRegroup())
    }
    // The new leader has no presence of ours yet; a tab whose hello went unanswered asks again.
    announce(hasSnapshot ? 'presence' : 'hello')
  }

  /** Leader: the store snapshot for a tab that joins. What getSnapshot throws costs that tab its snapshot. */
  function sendSnapshot(to: string): void {
    guarded(() => {
      const snapshot = options.getSnapshot()
      // The state goes with the snapshot's resume point: the one relayed last may be older.
      const state = lastState && { ...lastState, lastEventId: snapshot.resumeId }
      if (post({ kind: 'snapshot', login: group.login, term: termOfLead, to, snapshot, state })) sent.add(to)
    }, report)
  }

  function heardSnapshot(wire: Extract<Received, { kind: 'snapshot' }>): void {
    if (wire.to !== tabId) return
    if (role !== 'follower' || !group.heardSnapshot(wire.from, wire.login, wire.term)) {
      return drop(wire, 'another login, or this tab leads')
    }
    hasSnapshot = true
    call(() => options.onSnapshot(wire.snapshot))
    if (wire.state) takeState(wire.state)
  }

  function takeState(state: RelayedConnectionState): void {
    lastState = state
    call(() => options.onState(state))
  }

  /** Whether a relayed message or state comes from this tab's leader; when not, it is dropped. */
  function fromLeader(wire: Received & { login: string }): boolean {
    if (role === 'follower' && group.isLeader(wire.from, wire.login)) return true
    const unknown = group.login === '' ? 'no leader known yet (the snapshot brings what came before)' : 'not the leader of this login'
    drop(wire, role === 'follower' ? unknown : notFollowing())
    return false
  }

  function notFollowing(): string {
    return `this tab ${role === 'leader' ? 'leads' : 'is on its own'}`
  }

  function drop(wire: Received, reason: string): void {
    dropped++
    const onDrop = options.onDrop
    if (onDrop) call(() => onDrop(`${wire.kind} from tab ${wire.from.slice(0, 8)}: ${reason}`))
  }

  function stop(): void {
    if (stopped) return
    leaveGroup()
    stopped = true
    role = 'follower'
    election.stop()
  }

  function relay(message: SseMessage, eventId: string | undefined, raw?: Pick<RawSseMessage, 'event' | 'data'>): boolean {
    if (role !== 'leader') return true
    // Chosen per message: the tab the user looks at may change between two slices.
    const notify = presence.notifier(tabId)
    const entry: Relay = { message, eventId, notify, raw }
    if (held !== null) {
      held.push(entry)
      return notify === tabId
    }
    // Unsent: no other tab will pop it, so this one does.
    return send([entry]).length > 0 || notify === tabId
  }

  /** Posts relays; returns those that could not be posted (each reported). */
  function send(relays: Relay[]): Relay[] {
    // A leader is in its group until it stops, and stopping posts what it held first.
    const unsent = channel ? channel.relay(group.login, relays) : []
    for (const { error } of unsent) report(error)
    return unsent.map(({ relay }) => relay)
  }

  function postHeld(): void {
    if (held === null || held.length === 0) return
    const relays = held
    held = []
    for (const { message, notify } of send(relays)) if (notify !== tabId) leftHere.push(message)
  }

  function relayState(state: RelayedConnectionState): void {
    if (role === 'follower') return
    lastState = state
    if (role === 'leader') post({ kind: 'state', login: group.login, state })
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
    holdRelays() {
      held ??= []
    },
    postRelays() {
      postHeld()
      held = null
      const left = leftHere
      leftHere = []
      return left
    },
    relayState,
    broadcastLogout() {
      // Even from a tab still joining: the group it joins is the user's.
      post({ kind: 'logout', login: group.signOut() }, true)
    },
    broadcastAcknowledge(ids, clear) {
      if (group.login !== '') post({ kind: 'ack', login: group.login, ids, clear })
    },
    requestRetry() {
      if (role === 'follower' && group.login !== '') post({ kind: 'retry', login: group.login })
    },
  }
}
