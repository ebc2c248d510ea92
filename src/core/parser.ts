import { createParser } from 'eventsource-parser'
import type { RawSseMessage } from '../protocol'
import { SseError } from './errors'

/** Callbacks and limits of {@link createSseParser}. */
export interface SseParserOptions {
  /** Called for every dispatched event (blocks with at least one `data:` line). */
  onMessage: (message: RawSseMessage) => void
  /**
   * Called when the server sets the reconnection time (`retry:` with ASCII digits only).
   * @default undefined
   */
  onRetry?: (ms: number) => void
  /**
   * Called for every comment line (`: ping`), without the leading colon.
   * @default undefined
   */
  onComment?: (comment: string) => void
  /**
   * Called when the stream breaks a limit; the parser ignores input until `reset()`.
   * @default undefined
   */
  onError?: (error: SseError) => void
  /**
   * Largest pending line or event, in characters, before the stream is declared broken.
   * @default 16 * 1024 * 1024
   */
  maxBufferSize?: number
  /**
   * Last event id to start from (e.g. restored after a reconnect).
   * @default ''
   */
  lastEventId?: string
}

/** A streaming SSE parser that takes bytes or text and tracks the last event id. */
export interface SseParser {
  /** Feeds the next chunk; bytes are decoded as streaming UTF-8. */
  feed(chunk: string | Uint8Array): void
  /** Starts a new stream (after a reconnect): drops partial input, keeps `lastEventId`. */
  reset(): void
  /** The spec's last-event-id buffer: persists across events and across `reset()`. */
  lastEventId: string
}

const DEFAULT_MAX_BUFFER = 16 * 1024 * 1024

/**
 * Wraps eventsource-parser with streaming UTF-8 decoding and the spec's last-event-id buffer.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function createSseParser(options: SseParserOptions): SseParser {
  const { onMessage, onRetry, onComment, onError } = options
  const maxBufferSize = options.maxBufferSize ?? DEFAULT_MAX_BUFFER
  let decoder = newDecoder()
  let broken = false
  let feeding = false
  /**
   * reset() ran inside a callback of the chunk being fed (e.g. a listener reconnected). The inner
   * parser goes on through that chunk: what it still finds belongs to the old stream and is dropped.
   */
  let resetDuringFeed = false

  const state: SseParser = {
    lastEventId: options.lastEventId ?? '',
    feed,
    reset,
  }

  const parser = createParser({
    maxBufferSize,
    onId(id) {
      if (resetDuringFeed) return
      state.lastEventId = id
    },
    onEvent(event) {
      if (resetDuringFeed) return
      onMessage({ event: event.event ?? 'message', data: event.data, lastEventId: state.lastEventId, id: event.id })
    },
    onRetry: onRetry && ((ms) => resetDuringFeed || onRetry(ms)),
    onComment: onComment && ((comment) => resetDuringFeed || onComment(comment)),
    onError(error) {
      if (resetDuringFeed) return
      // Unknown fields and non-numeric `retry` are ignored by the spec; only overflow is fatal.
      if (error.type !== 'max-buffer-size-exceeded') return
      broken = true
      onError?.(new SseError('parse', `An SSE line or event exceeded ${maxBufferSize} characters`, { cause: error }))
    },
  })

  function feed(chunk: string | Uint8Array): void {
    if (broken) return
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    if (text === '') return
    feeding = true
    try {
      parser.feed(text)
    } finally {
      feeding = false
      if (resetDuringFeed) {
        resetDuringFeed = false
        // The old chunk's tail was buffered after the first reset: drop it too.
        parser.reset()
      }
    }
  }

  function reset(): void {
    broken = false
    decoder = newDecoder()
    parser.reset()
    if (feeding) resetDuringFeed = true
  }

  return state
}

// ignoreBOM keeps the BOM in the text so that the parser drops exactly one, as the spec says.
function newDecoder(): TextDecoder {
  return new TextDecoder('utf-8', { ignoreBOM: true })
}
