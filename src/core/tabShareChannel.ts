// The BroadcastChannel of a tab group as one tab uses it: joining it, posting on it, handing on what
// the other tabs post, and leaving it.
// BroadcastChannel: https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts
import type { RawSseMessage, SseMessage } from './protocol'
import { readWire, toWire } from './tabShareWire'
import type { Received, WireBody } from './tabShareWire'

export interface TabChannel {
  /** This tab holds its own lock: from now on it posts, and a failure to post is reported. */
  join(): void
  /** Posts `body`; whether it went. Before joining, only with `beforeJoining`, and a failure is not reported. */
  post(body: WireBody, beforeJoining?: boolean): boolean
  /**
   * Leader: posts a message it relays, decoded; when structured clone cannot copy its payload (nested
   * too deep, a function inside) and `raw` is given, the raw event instead, for the other tabs to
   * decode themselves. Returns the error when neither went, else null.
   */
  relay(login: string, notify: string, message: SseMessage, eventId: string | undefined, raw?: Pick<RawSseMessage, 'event' | 'data'>): unknown
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
    relay(login, notify, message, eventId, raw) {
      const decoded: SseMessage = { type: message.type, data: message.data, id: message.id }
      let error = tryPost({ kind: 'message', login, notify, relayed: { message: decoded, eventId } })
      if (error !== null && raw) {
        // A payload structured clone cannot copy: the other tabs decode the event themselves.
        const copy: RawSseMessage = { event: raw.event, data: raw.data, lastEventId: message.id }
        error = tryPost({ kind: 'message', login, notify, relayed: { raw: copy, eventId } })
      }
      return error
    },
    leave() {
      channel.removeEventListener('message', listener)
      channel.close()
    },
  }
}
