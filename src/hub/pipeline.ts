// Every message this tab delivers, from its own stream or from the leader tab's relay: admitted once
// by its own id, decoded, then stored, emitted to listeners and popped. The messages of one slice of
// the stream, or of one relayed batch, are delivered as a group: the store tells Vue of them, and the
// leader relays them, once.
import type { SseBus } from '../core/bus'
import { SseError } from '../core/errors'
import type { DebugLog } from '../core/log'
import { decodeMessage, isBuiltInType } from '../core/protocol'
import type { DecodedMessage, RawSseMessage, SseDecoder, SseMessage } from '../core/protocol'
import type { ResumePoint } from '../core/resumePoint'
import type { RelayedMessage } from '../core/tabShareWire'
import type { Notifier } from '../notify/notifier'
import type { HubEvent } from './devtoolsTap'
import type { StoreFeed } from '../store/storeFeed'

export interface PipelineParts {
  decode: SseDecoder
  /** The one owner of what this login delivered: the ids seen and the id to resume from. */
  resume: ResumePoint
  bus: SseBus
  /** The store's feed, once there is a store. */
  store(): StoreFeed | undefined
  /** The popups, unless they are off (or there is no page). */
  notifier(): Notifier | undefined
  /**
   * A message from this tab's own stream, on its way to the other tabs: returns whether this tab pops
   * its notification (a leader leaves it to the tab the user looks at).
   */
  relay(message: SseMessage, raw: RawSseMessage): boolean
  /** From now on the leader holds what it relays, to post it together at `postRelays`. */
  holdRelays(): void
  /** Posts what the leader held; returns the messages it could not post whose popup another tab was to show. */
  postRelays(): SseMessage[]
  /** Whether a popup renderer of the app's own runs for this messageType (app code, which may read the store). */
  appRenders(type: string): boolean
  report(error: SseError): void
  log: DebugLog
  /** Development builds: what the hub's devtools hear. */
  tap?: (event: HubEvent) => void
}

export interface Pipeline {
  /** A message of this tab's own stream. */
  fromStream(raw: RawSseMessage): void
  /** A message the leader tab relayed; `notifyHere` says whether this tab pops it. */
  fromRelay(relayed: RelayedMessage, notifyHere: boolean): void
  /**
   * Delivers a group of messages: `deliver` hands them to `fromStream` or `fromRelay`, one by one.
   * The store tells Vue of the group's changes, and the leader posts its relays, once `deliver`
   * returns; before any code of the app runs with a message (a listener, a renderer, the decoder,
   * `onError`), the store is published, so that code sees it as it is after that message.
   */
  batch(deliver: () => void): void
}

export function createPipeline(parts: PipelineParts): Pipeline {
  const { decode, resume, bus, log } = parts
  // The app's decoder may read the store: it gets it published, as after the message before.
  const appDecodes = decode !== decodeMessage
  // Groups being delivered: one inside another (a listener that delivers) joins the outer one.
  let depth = 0

  /** Admits an event once, whatever path brought it: a server replay or a failover's may repeat it. */
  function admit(eventId: string | undefined, streamId: string): boolean {
    if (resume.admit(eventId, streamId)) return true
    log('dropped a repeat of event', eventId)
    if (__DEV__) parts.tap?.({ kind: 'drop', reason: `a repeat of event ${eventId}` })
    return false
  }

  /** Decodes one raw event; a rejected one is counted and reported, and gives null like a skipped one. */
  function decodeRaw(raw: RawSseMessage): DecodedMessage | null {
    let decoded: DecodedMessage | SseError | null
    if (appDecodes) parts.store()?.publish()
    try {
      decoded = decode(raw)
    } catch (cause) {
      decoded = new SseError('decode', `The decoder threw: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    }
    if (decoded instanceof SseError) {
      parts.store()?.countMalformed()
      parts.report(decoded)
      return null
    }
    return decoded
  }

  /** The decoded message as listeners see it: its id is the resume point after it. */
  function toMessage(decoded: DecodedMessage): SseMessage {
    return { type: decoded.type, data: decoded.data, id: resume.id } as SseMessage
  }

  function deliver(message: SseMessage, notifyHere: boolean, via: 'stream' | 'relay'): void {
    log('message', message.type, message.data)
    if (__DEV__) parts.tap?.({ kind: 'message', message, via })
    const store = parts.store()
    store?.apply(message, isBuiltInType(message.type))
    // Listeners see the store as it is after their message: watchers and computeds included.
    if (bus.hears(message.type)) {
      store?.publish()
      bus.emit(message)
    }
    if (notifyHere) {
      if (parts.appRenders(message.type)) store?.publish()
      parts.notifier()?.notify(message)
    }
  }

  function batch(deliverAll: () => void): void {
    if (depth > 0) return deliverAll()
    depth++
    const store = parts.store()
    store?.hold()
    parts.holdRelays()
    try {
      deliverAll()
    } finally {
      depth--
      store?.release()
      // Relayed but not posted: no other tab pops them, so this one does.
      for (const message of parts.postRelays()) parts.notifier()?.notify(message)
    }
  }

  // Outside a group, the store tells Vue of each message, and the leader relays it, at once.
  return { fromStream, fromRelay, batch }

  function fromStream(raw: RawSseMessage): void {
    // What was delivered once is dropped before it costs a decode.
    if (!admit(raw.id, raw.lastEventId)) return
    const decoded = decodeRaw(raw)
    if (decoded === null) return
    const message = toMessage(decoded)
    deliver(message, parts.relay(message, raw), 'stream')
  }

  function fromRelay(relayed: RelayedMessage, notifyHere: boolean): void {
    const streamId = 'raw' in relayed ? relayed.raw.lastEventId : relayed.message.id
    if (!admit(relayed.eventId, streamId)) return
    const decoded = 'raw' in relayed ? decodeRaw(relayed.raw) : relayed.message
    if (decoded === null) return
    deliver(toMessage(decoded), notifyHere, 'relay')
  }
}
