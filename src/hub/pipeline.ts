// Every message this tab delivers, from its own stream or from the leader tab's relay: admitted once
// by its own id, decoded, then stored, emitted to listeners and popped.
import type { SseBus } from '../core/bus'
import { SseError } from '../core/errors'
import type { DebugLog } from '../core/log'
import { isBuiltInType } from '../core/protocol'
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
}

export function createPipeline(parts: PipelineParts): Pipeline {
  const { decode, resume, bus, log } = parts

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
    parts.store()?.apply(message, isBuiltInType(message.type))
    bus.emit(message)
    if (notifyHere) parts.notifier()?.notify(message)
  }

  return {
    fromStream(raw) {
      // What was delivered once is dropped before it costs a decode.
      if (!admit(raw.id, raw.lastEventId)) return
      const decoded = decodeRaw(raw)
      if (decoded === null) return
      const message = toMessage(decoded)
      deliver(message, parts.relay(message, raw), 'stream')
    },
    fromRelay(relayed, notifyHere) {
      const streamId = 'raw' in relayed ? relayed.raw.lastEventId : relayed.message.id
      if (!admit(relayed.eventId, streamId)) return
      const decoded = 'raw' in relayed ? decodeRaw(relayed.raw) : relayed.message
      if (decoded === null) return
      deliver(toMessage(decoded), notifyHere, 'relay')
    },
  }
}
