// The SSE wire format, streaming: bytes or text in, events, comments and `retry:` values out, with the
// last event id kept across events and across reconnects.
import { defaultMaxBufferSize } from './connectionOptions'
import type { RawSseMessage } from './protocol'
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
   * @default 16777216 ({@link defaultMaxBufferSize}, 16 MiB)
   */
  maxBufferSize?: number
}

/** A streaming SSE parser that takes bytes or text and tracks the last event id. */
export interface SseParser {
  /** Feeds the next chunk; bytes are decoded as streaming UTF-8. */
  feed(chunk: string | Uint8Array): void
  /** Starts a new stream (after a reconnect): drops partial input, keeps `lastEventId`. */
  reset(): void
  /** The spec's last-event-id buffer: persists across events and across `reset()`; set it to resume from an id. */
  lastEventId: string
}

const LF = 10
const CR = 13
const SPACE = 32
const COLON = 58
const BOM = 0xfeff
const DIGITS = /^\d+$/

/**
 * The WHATWG "event stream interpretation", streaming: text is cut into lines as it arrives and only
 * the unfinished last line is kept, so a long line arriving in small chunks is scanned once.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function createSseParser(options: SseParserOptions): SseParser {
  const { onMessage, onRetry, onComment, onError } = options
  const maxBufferSize = options.maxBufferSize ?? defaultMaxBufferSize
  let decoder: TextDecoder
  /** The start of a line whose end has not arrived yet, in pieces (joined once, when it ends). */
  let pending: string[]
  let pendingLength: number
  /** The event being built; `data` stays undefined until a `data` line, so `data` alone dispatches "". */
  let data: string | undefined
  let eventType: string | undefined
  let id: string | undefined
  /**
   * The character the next text drops when it starts with it: the BOM at the start of a stream, LF
   * after a chunk that ended with CR (the two are one line end), otherwise none (-1).
   */
  let skip: number
  let broken: boolean
  /** Bumped by reset(), so a feed whose callback started a new stream drops the rest of its chunk. */
  let stream = 0

  const state: SseParser = { lastEventId: '', feed, reset }
  reset()
  return state

  function feed(chunk: string | Uint8Array): void {
    if (broken) return
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    if (text === '') return
    let pos = text.charCodeAt(0) === skip ? 1 : 0
    skip = -1
    const current = stream
    let cr = text.indexOf('\r', pos)
    let lf = text.indexOf('\n', pos)
    for (;;) {
      const end = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr
      if (end < 0) break
      const start = pos
      pos = end + 1
      if (end === cr) {
        if (pos === text.length) skip = LF
        else if (text.charCodeAt(pos) === LF) pos++
        cr = text.indexOf('\r', pos)
      }
      if (lf >= 0 && lf < pos) lf = text.indexOf('\n', pos)
      if (pendingLength) {
        pending.push(text.slice(start, end))
        const line = pending.join('')
        pending = []
        pendingLength = 0
        interpret(line, 0, line.length)
      } else interpret(text, start, end)
      if (stream !== current) return
    }
    if (pos < text.length) {
      pending.push(text.slice(pos))
      pendingLength += text.length - pos
    }
    if (pendingLength + (data?.length ?? 0) > maxBufferSize) {
      reset()
      broken = true
      onError?.(new SseError('parse', `An SSE line or event exceeded ${maxBufferSize} characters`))
    }
  }

  /** One line, `text` from `start` to `end`; any field but the four the spec names is ignored. */
  function interpret(text: string, start: number, end: number): void {
    if (start === end) return dispatch()
    const first = text.charCodeAt(start)
    if (first === COLON) {
      onComment?.(text.slice(text.charCodeAt(start + 1) === SPACE ? start + 2 : start + 1, end))
      return
    }
    const field = first === 100 ? 'data' : first === 101 ? 'event' : first === 105 ? 'id' : first === 114 ? 'retry' : ''
    if (!field || !text.startsWith(field, start)) return
    // The field name can span the whole line (a value of ""); otherwise a colon must follow it.
    let at = start + field.length
    if (at < end) {
      if (text.charCodeAt(at) !== COLON) return
      if (text.charCodeAt(++at) === SPACE) at++
    }
    const value = text.slice(at, end)
    if (first === 100) data = data === undefined ? value : `${data}\n${value}`
    else if (first === 101) eventType = value
    else if (first === 105) {
      if (!value.includes('\0')) id = value
    } else if (DIGITS.test(value)) onRetry?.(+value)
  }

  function dispatch(): void {
    if (id !== undefined) state.lastEventId = id
    const message: RawSseMessage | undefined =
      data === undefined ? undefined : { event: eventType || 'message', data, lastEventId: state.lastEventId, id }
    data = eventType = id = undefined
    if (message) onMessage(message)
  }

  function reset(): void {
    // ignoreBOM keeps a leading BOM in the text, so bytes and strings lose exactly one, in feed().
    decoder = new TextDecoder('utf-8', { ignoreBOM: true })
    pending = []
    pendingLength = 0
    data = eventType = id = undefined
    skip = BOM
    broken = false
    stream++
  }
}
