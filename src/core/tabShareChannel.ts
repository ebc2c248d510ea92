// The BroadcastChannel of a tab group as one tab uses it: joining it, posting on it, handing on what
// the other tabs post, and leaving it.
// BroadcastChannel: https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts
import type { RawSseMessage, SseMessage } from './protocol'
import { readWire, toWire } from './tabShareWire'
import type { Received, RelayedEntry, WireBody } from './tabShareWire'

/** A message the leader relays, as it hands it to the channel. */
export interface Relay {
  message: SseMessage
  /** The event's own id, when it had one. */
  eventId: string | undefined
  /** The tab that pops its notification. */
  notify: string
  /** The raw event, sent instead when structured clone cannot copy the decoded message. */
  raw?: Pick<RawSseMessage, 'event' | 'data'>
}

/** A relay that could not be posted, and why. */
export interface Unsent {
  relay: Relay
  error: unknown
}

export interface TabChannel {
  /** This tab holds its own lock: from now on it posts, and a failure to post is reported. */
  join(): void
  /** Posts `body`; whether it went. Before joining, only with `beforeJoining`, and a failure is not reported. */
  post(body: WireBody, beforeJoining?: boolean): boolean
  /**
   * Leader: posts the messages of one slice of its stream, decoded, in one channel message. When
   * structured clone cannot copy a payload (nested too deep, a function inside), they go one by one,
   * that one as its raw event (when given), for the other tabs to decode themselves. Returns those
   * that did not go at all.
   */
  relay(login: string, relays: Relay[]): Unsent[]
  /** Stops listening and closes the channel. */
  leave(): void
}

/**
 * Opens the channel `name` for tab `tabId` (throws what the BroadcastChannel constructor throws): every
 * message another tab posts, once checked, goes to `receive`; what cannot be posted, to `report`.
 */
export function openTabChannel(
  Channel: typeof BroadcastChannel,
  name: string,
  tabId: string,
  receive: (wire: Received) => void,
  report: (error: unknown) => void,
): TabChannel {
  const channel = new Channel(name)
  let joined = false

  function listener(event: MessageEvent): void {
    const wire = readWire(event.data)
    if (wire && wire.from !== tabId) receive(wire)
  }
  channel.addEventListener('message', listener)

  /** Posts `body`; returns the error when it could not be posted (e.g. not structured-cloneable). */
  function tryPost(body: WireBody): unknown {
    try {
      channel.postMessage(toWire(tabId, body))
      return null
    } catch (error) {
      return error ?? new Error('postMessage failed')
    }
  }

  /** Posts one relayed message: decoded, else raw; returns the error when neither went. */
  function postAlone(login: string, relay: Relay): unknown {
    const { message, eventId, notify, raw } = relay
    let error = tryPost({ kind: 'message', login, ...decodedEntry(relay) })
    if (error !== null && raw) {
      // A payload structured clone cannot copy: the other tabs decode the event themselves.
      const copy: RawSseMessage = { event: raw.event, data: raw.data, lastEventId: message.id }
      error = tryPost({ kind: 'message', login, notify, relayed: { raw: copy, eventId } })
    }
    return error
  }

  return {
    join() {
      joined = true
    },
    post(body, beforeJoining = false) {
      if (!joined && !beforeJoining) return false
      const error = tryPost(body)
      if (error !== null && joined) report(error)
      return error === null
    },
    relay(login, relays) {
      if (relays.length > 1) {
        const entries = relays.map(decodedEntry)
        const last = entries.pop()!
        if (tryPost({ kind: 'message', login, ...last, preceding: entries }) === null) return []
      }
      // Alone, each message that cannot be copied costs only itself.
      const unsent: Unsent[] = []
      for (const relay of relays) {
        const error = postAlone(login, relay)
        if (error !== null) unsent.push({ relay, error })
      }
      return unsent
    },
    leave() {
      channel.removeEventListener('message', listener)
      channel.close()
    },
  }
}

/** The message as it goes decoded: its three fields, nothing else the object may hold. */
function decodedEntry({ message, eventId, notify }: Relay): RelayedEntry {
  return { relayed: { message: { type: message.type, data: message.data, id: message.id }, eventId }, notify }
}
