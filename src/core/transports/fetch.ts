// The fetch transport, for headers, any method and a body: one attempt's request, the checks of its
// response, and the stream's bytes handed over in slices that never hold the page for long.
import { parseRetryAfter } from '../backoff'
import { SseError } from '../errors'
import { jsonDetail } from '../httpAnswer'
import type { TransportFailure, TransportHandle, TransportHandlers, TransportRequest } from './types'
import { monotonicNow, yieldTask } from './yieldTask'

/** Bytes of an error response read for its detail; the rest is discarded. */
const DETAIL_LIMIT = 1024
/**
 * Time given to an error response's body for its detail. A body that stalls (a proxy's 502 that never
 * ends) must not hold back the reaction to the status: the retry, or the stop.
 */
const DETAIL_TIME_LIMIT = 1000
/** Largest piece of a read handed to the parser at once, so a big read can be split across tasks. */
const SLICE_BYTES = 16 * 1024
/**
 * Time spent handling already-buffered bytes before yielding to the event loop. A burst arrives as
 * megabytes in one read (or reads that resolve without waiting); handled in one go, it would freeze
 * the page for as long as the whole burst takes.
 */
const TASK_BUDGET_MS = 8

/** Opens the stream with `fetch`, so headers, any method and a body can be sent. */
export function startFetchTransport(
  request: TransportRequest,
  handlers: TransportHandlers,
  fetchImpl: typeof fetch,
): TransportHandle {
  const controller = new AbortController()
  // Built before anything runs: a request fetch would refuse throws here, as a configuration error.
  checkUrl(request.url)
  const init = buildInit(request, controller.signal)
  let done = false

  const fail = (error: SseError, retryAfter?: number | null): void => {
    if (done) return
    done = true
    handlers.onFailure({ error, retryAfter })
  }

  void run().catch((cause: unknown) => {
    fail(new SseError('network', `The request failed: ${describe(cause)}`, { cause }))
  })

  async function run(): Promise<void> {
    const response = await fetchImpl(request.url, init)
    if (done) return
    if (response.status !== 200) {
      const detail = await readDetail(response)
      const suffix = detail ? `: ${detail}` : response.statusText ? ` ${response.statusText}` : ''
      const error = new SseError('http', `The server answered ${response.status}${suffix}`, { status: response.status })
      return fail(error, parseRetryAfter(response.headers.get('retry-after')))
    }
    const type = response.headers.get('content-type') ?? ''
    if (!/^\s*text\/event-stream\s*(;|$)/i.test(type)) {
      void response.body?.cancel().catch(noop)
      const got = type || 'no content type'
      return fail(new SseError('content-type', `Expected text/event-stream, got ${got}`, { status: 200 }))
    }
    if (!response.body) return fail(new SseError('stream-ended', 'The response has no body', { status: 200 }))
    handlers.onOpen()
    if (await pump(response.body.getReader(), handlers, () => done)) {
      fail(new SseError('stream-ended', 'The server closed the stream'))
    }
  }

  return {
    abort(): void {
      if (done) return
      done = true
      controller.abort()
    },
  }
}

/**
 * Hands the stream's bytes to `onChunk` until the server ends it (true) or `stopped()` (false). A
 * burst arrives as megabytes in one read, or reads that resolve without waiting: it is cut into
 * slices, and the page gets a task of its own every {@link TASK_BUDGET_MS} ms.
 */
async function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  handlers: TransportHandlers,
  stopped: () => boolean,
): Promise<boolean> {
  let busySince = monotonicNow()
  // abort() (possibly from a handler, mid-read) stops both loops, and the reader is cancelled.
  while (!stopped()) {
    // A rejected read (abort, reset) lands in run()'s catch; after abort() it is silenced there.
    const asked = monotonicNow()
    const { value, done: ended } = await reader.read()
    if (ended) return true
    // A read that had to wait for the network starts a fresh task: a fresh budget.
    if (monotonicNow() - asked > 1) busySince = monotonicNow()
    for (let offset = 0; !stopped() && offset < value.byteLength; offset += SLICE_BYTES) {
      handlers.onChunk(value.byteLength <= SLICE_BYTES ? value : value.subarray(offset, offset + SLICE_BYTES))
      if (!stopped() && monotonicNow() - busySince >= TASK_BUDGET_MS) {
        await yieldTask()
        busySince = monotonicNow()
      }
    }
  }
  void reader.cancel().catch(noop)
  return false
}

function buildInit(request: TransportRequest, signal: AbortSignal): RequestInit {
  const headers: Record<string, string> = {
    Accept: 'text/event-stream',
    'Cache-Control': 'no-cache',
    ...request.headers,
  }
  if (request.token) setHeader(headers, 'Authorization', `Bearer ${request.token}`)
  if (request.lastEventId !== '') setHeader(headers, 'Last-Event-ID', toByteString(request.lastEventId))
  checkHeaders(headers)
  let body = request.body
  if (isPlainObject(body)) {
    body = JSON.stringify(body)
    if (!Object.keys(headers).some((key) => key.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json'
    }
  }
  return {
    method: request.method,
    headers,
    body: (body ?? undefined) as BodyInit | undefined,
    signal,
    credentials: request.withCredentials ? 'include' : 'same-origin',
  }
}

/**
 * Short human detail of an error response: JSON `detail`/`message`/`error`, else the text. Reads at
 * most {@link DETAIL_LIMIT} bytes for at most {@link DETAIL_TIME_LIMIT} ms.
 */
async function readDetail(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const bytes = new Uint8Array(DETAIL_LIMIT)
  let size = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeUp = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), DETAIL_TIME_LIMIT)
  })
  try {
    while (size < DETAIL_LIMIT) {
      const result = await Promise.race([reader.read(), timeUp])
      // Out of time: what arrived so far is the detail.
      if (result === null || result.done) break
      const { value } = result
      const part = value.subarray(0, DETAIL_LIMIT - size)
      bytes.set(part, size)
      size += part.length
    }
  } catch {
    // The detail is a courtesy; the status alone decides what happens next.
  } finally {
    clearTimeout(timer)
    void reader.cancel().catch(noop)
  }
  const text = new TextDecoder().decode(bytes.subarray(0, size)).trim()
  // Not JSON with a reason (or empty): the text itself.
  return (jsonDetail(text) ?? text).slice(0, 300)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * Header values are byte strings: one character per byte, up to U+00FF. The browser's EventSource
 * sends the id as UTF-8 (`é` as C3 A9), and so does this: each UTF-8 byte becomes one character.
 * Without it, `é` would go as the single byte E9, and an id such as `告警-1001` could not be sent at all.
 */
export function toByteString(text: string): string {
  // ASCII, the usual case, is its own UTF-8.
  if (!/[^\x00-\x7f]/.test(text)) return text
  let bytes = ''
  for (const byte of new TextEncoder().encode(text)) bytes += String.fromCharCode(byte)
  return bytes
}

/** Throws, as fetch itself would, for a URL it cannot parse or one with credentials in it. */
function checkUrl(url: string): void {
  const base = typeof location === 'undefined' ? undefined : location.href
  // A relative URL without a page to resolve it against is fetch's to judge (a test double may take it).
  if (base === undefined && !/^[a-z][a-z\d+.-]*:/i.test(url)) return
  let parsed: URL
  try {
    parsed = new URL(url, base)
  } catch (cause) {
    throw new SseError('config', __DEV__ ? 'The stream URL cannot be parsed (see the cause)' : 'Bad URL', { cause })
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new SseError(
      'config',
      __DEV__ ? 'fetch refuses a URL with credentials in it: send them as headers or cookies' : 'A URL with credentials',
    )
  }
}

/** Throws, as fetch itself would, for headers it refuses; as an `SseError('config')` that names the header. */
function checkHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    // The Fetch standard: a name is an HTTP token; a value is a byte string without NUL, CR or LF.
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw new SseError('config', __DEV__ ? `fetch refuses the request header name "${name}"` : `Bad header name "${name}"`)
    }
    if (/[^\x01-\x09\x0b\x0c\x0e-\xff]/.test(String(value))) {
      // Not the value in the message: it may be the token.
      throw new SseError(
        'config',
        __DEV__
          ? `fetch refuses the value of the request header "${name}": it takes characters up to U+00FF and no line breaks`
          : `Bad value of header "${name}"`,
      )
    }
  }
}

/** Sets a header, replacing any spelling of it (`authorization`, `AUTHORIZATION`...). */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase()
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) delete headers[key]
  headers[name] = value
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: unknown }).cause
    return inner instanceof Error ? `${cause.message} (${inner.message})` : cause.message
  }
  return String(cause)
}

function noop(): void {}
