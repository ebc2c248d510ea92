import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createConnection } from '../../src/core/connection'
import type { ConnectionState, CreateConnectionOptions, SseConnection } from '../../src/core/connection'
import type { SseError } from '../../src/core/errors'
import type { RawSseMessage } from '../../src/core/protocol'
import { createFakeFetch, FakeEventSource } from '../support/fakeFetch'
import type { FakeFetch } from '../support/fakeFetch'

let fake: FakeFetch
let messages: RawSseMessage[]
let errors: SseError[]
let states: ConnectionState[]
let connection: SseConnection

const flush = (ms = 0): Promise<void> => vi.advanceTimersByTimeAsync(ms).then(() => undefined)

/** A connection over the scripted fetch; by default its callbacks record into the lists above. */
function connect(
  options: Partial<CreateConnectionOptions> = {},
  callbacks: Parameters<typeof createConnection>[1] = {
    onMessage: (m) => messages.push(m),
    onError: (e) => errors.push(e),
    onStateChange: (s) => states.push(s),
  },
): SseConnection {
  connection = createConnection(
    {
      url: '/api/sse',
      reconnect: { initialDelay: 1000, maxDelay: 30_000, factor: 2, jitter: 0 },
      heartbeatTimeout: 0,
      environment: { fetch: fake.fetch },
      ...options,
    },
    callbacks,
  )
  return connection
}

beforeEach(() => {
  vi.useFakeTimers()
  fake = createFakeFetch()
  messages = []
  errors = []
  states = []
})
afterEach(() => {
  connection?.close()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('opening and closing', () => {
  it('goes idle -> connecting -> open and sends the SSE request headers', async () => {
    const c = connect({ token: () => 'abc', headers: { 'X-Tenant': 't1' } })
    expect(c.state.status).toBe('idle')
    c.open()
    expect(c.state.status).toBe('connecting')
    await flush()
    expect(c.state.status).toBe('open')
    expect(c.state.openedAt).not.toBeNull()
    expect(fake.last!.headers).toMatchObject({
      Accept: 'text/event-stream',
      'Cache-Control': 'no-cache',
      Authorization: 'Bearer abc',
      'X-Tenant': 't1',
    })
    expect(fake.last!.headers['Last-Event-ID']).toBeUndefined()
    expect(states.map((s) => s.status)).toEqual(['connecting', 'open'])
    expect(states[0]).not.toBe(states[1])
  })

  it('a body with GET (the default method) stops at once with a config error that says to use POST', async () => {
    const c = connect({ body: { topics: ['a'] } })
    c.open()
    await flush(60_000)
    expect(fake.calls).toHaveLength(0)
    expect(c.state).toMatchObject({ status: 'closed', error: { kind: 'config' } })
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/method: 'POST' \(got GET\)/)])
  })

  it('sends object bodies as JSON and credentials when asked', async () => {
    connect({ method: 'POST', body: () => ({ topics: ['a'] }), withCredentials: true }).open()
    await flush()
    expect(fake.last!.init.method).toBe('POST')
    expect(fake.last!.init.body).toBe('{"topics":["a"]}')
    expect(fake.last!.headers['Content-Type']).toBe('application/json')
    expect(fake.last!.init.credentials).toBe('include')
  })

  it('open() while connecting, open or waiting to retry starts nothing new', async () => {
    const c = connect()
    c.open()
    c.open()
    await flush()
    c.open()
    expect(fake.calls).toHaveLength(1)
    fake.last!.end()
    await flush()
    expect(c.state.status).toBe('reconnecting')
    c.open()
    await flush()
    expect(fake.calls).toHaveLength(1)
    await flush(1000)
    expect(fake.calls).toHaveLength(2)
  })

  it('close() aborts the request, cancels the retry timer and ignores the old stream', async () => {
    const c = connect()
    c.open()
    await flush()
    const first = fake.last!
    c.close()
    expect(first.aborted).toBe(true)
    expect(c.state.status).toBe('closed')
    first.push('data: late\n\n')
    await flush()
    expect(messages).toEqual([])

    c.open()
    await flush()
    fake.last!.end()
    await flush()
    c.close()
    await flush(60_000)
    expect(fake.calls).toHaveLength(2)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('restart() replaces the stream; events of the replaced one are ignored', async () => {
    const c = connect()
    c.open()
    await flush()
    const old = fake.last!
    c.restart()
    await flush()
    expect(old.aborted).toBe(true)
    old.push('data: old\n\n')
    fake.last!.push('data: new\n\n')
    await flush()
    expect(messages.map((m) => m.data)).toEqual(['new'])
  })
})

describe('resume and backoff', () => {
  it('sends Last-Event-ID on reconnect; ids persist across reconnects', async () => {
    const c = connect()
    c.open()
    await flush()
    fake.last!.push('id: 41\ndata: a\n\nid: 42\ndata: b\n\n')
    await flush()
    expect(c.state.lastEventId).toBe('42')
    fake.last!.error()
    await flush(1000)
    expect(fake.calls).toHaveLength(2)
    expect(fake.last!.headers['Last-Event-ID']).toBe('42')
    // A message without id keeps the resume point.
    fake.last!.push('data: c\n\n')
    await flush()
    expect(messages.at(-1)).toEqual({ event: 'message', data: 'c', lastEventId: '42' })
    expect(c.state.reconnects).toBe(1)
  })

  // Header values are byte strings; the browser's EventSource sends the id as UTF-8.
  it('sends a non-ASCII id as its UTF-8 bytes, as the browser does, and resumes with it', async () => {
    const c = connect()
    c.open()
    await flush()
    for (const id of ['é', '告警-1001', '\uFFFD']) {
      fake.last!.push(`id: ${id}\ndata: x\n\n`)
      await flush()
      fake.last!.error()
      await flush(1000)
      expect(c.state.status).toBe('open')
      const sent = fake.last!.headers['Last-Event-ID']
      expect([...Buffer.from(sent, 'latin1')]).toEqual([...Buffer.from(id, 'utf8')])
    }
    expect(errors.map((e) => e.kind)).toEqual(['network', 'network', 'network'])
  })

  it('resumes from the owner of the resume point when there is one; events without an id carry it', async () => {
    let owner = '7'
    const c = connect({ resumeFrom: () => owner })
    c.open()
    await flush()
    expect(fake.last!.headers['Last-Event-ID']).toBe('7')
    fake.last!.push('data: a\n\nid: 8\ndata: b\n\n')
    await flush()
    expect(messages.map((m) => [m.lastEventId, m.id])).toEqual([['7', undefined], ['8', '8']])
    // The owner did not take 8 (say, a repeat): the next attempt asks it again.
    fake.last!.error()
    await flush(1000)
    expect(fake.last!.headers['Last-Event-ID']).toBe('7')
    owner = '9'
    c.restart()
    await flush()
    expect(fake.last!.headers['Last-Event-ID']).toBe('9')
  })

  it('a retry: line also makes a good open: a server that sends only retry: on open is not backed off longer', async () => {
    const c = connect()
    c.open()
    await flush()
    fake.last!.error()
    await flush(1000)
    fake.last!.error()
    await flush(2000)
    expect(fake.calls).toHaveLength(3)
    expect(c.state.attempt).toBe(2)
    fake.last!.push('retry: 1000\n\n')
    await flush()
    expect(c.state.attempt).toBe(0)
    // The next failure is a first one again: 1000 ms, not 4000.
    fake.last!.error()
    await flush(1000)
    expect(fake.calls).toHaveLength(4)
  })

  it("uses the server's retry: as base and resets the attempt counter after a good open", async () => {
    const c = connect()
    c.open()
    await flush()
    fake.last!.push('retry: 5000\n\n')
    fake.last!.end()
    await flush()
    expect(c.state.attempt).toBe(1)
    await flush(4999)
    expect(fake.calls).toHaveLength(1)
    await flush(1)
    expect(fake.calls).toHaveLength(2)
    // This stream delivers a comment (a good open), then ends: a first failure again.
    fake.last!.push(': ping\n\n')
    await flush()
    expect(c.state.attempt).toBe(0)
    // Second failure in a row: doubled.
    fake.answer({ kind: 'status', status: 503 })
    fake.last!.end()
    await flush()
    await flush(10_000)
    expect(fake.calls).toHaveLength(3)
    expect(c.state.attempt).toBe(2)
    // Fails again: 5000 * 2^2.
    await flush(20_000)
    expect(fake.calls).toHaveLength(4)
    expect(c.state.status).toBe('open')
    expect(c.state.error).toBeNull()
    // Open is not yet good: the counter resets once the stream delivers something.
    expect(c.state.attempt).toBe(2)
    fake.last!.push(': ping\n\n')
    await flush()
    expect(c.state.attempt).toBe(0)
    fake.last!.end()
    await flush()
    expect(c.state.attempt).toBe(1)
    await flush(5000)
    expect(fake.calls).toHaveLength(5)
  })

  it('a server that answers 200 and closes at once is backed off exponentially, not hit every second', async () => {
    const c = connect()
    c.open()
    await flush()
    const waits: number[] = []
    for (let i = 0; i < 5; i++) {
      fake.last!.end()
      await flush()
      const calls = fake.calls.length
      let waited = 0
      while (fake.calls.length === calls && waited < 60_000) {
        await flush(100)
        waited += 100
      }
      waits.push(waited)
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000])
    expect(c.state.attempt).toBe(5)
    // The first event (or comment) proves the stream good: the next drop starts over at the base delay.
    fake.last!.push(': hello\n\n')
    await flush()
    expect(c.state.attempt).toBe(0)
    fake.last!.end()
    await flush(1000)
    expect(fake.calls).toHaveLength(7)
  })

  it('a server that once sent retry: 0 and then fails is not hammered in a tight loop', async () => {
    const c = connect()
    c.open()
    await flush()
    fake.last!.push('retry: 0\n\n: hi\n\n')
    await flush()
    fake.answer(...Array.from({ length: 1000 }, () => ({ kind: 'status' as const, status: 503 })))
    fake.last!.end()
    await flush(10_000)
    // 100, 200, 400... ms: a handful of attempts, not thousands.
    expect(fake.calls.length).toBeLessThan(10)
    expect(c.state.status).toBe('reconnecting')
  })

  it('gives up after maxAttempts with the last error', async () => {
    fake.answer(...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 502 })))
    const c = connect({ reconnect: { initialDelay: 10, jitter: 0, maxAttempts: 3 } })
    c.open()
    await flush(10_000)
    expect(fake.calls).toHaveLength(3)
    expect(c.state.status).toBe('closed')
    expect(c.state.error).toMatchObject({ kind: 'http', status: 502 })
  })

  it('honours Retry-After as an HTTP date on 503 and 429', async () => {
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString()
    fake.answer({ kind: 'status', status: 429, headers: { 'Retry-After': inOneMinute } })
    const c = connect()
    c.open()
    await flush()
    await flush(58_000)
    expect(fake.calls).toHaveLength(1)
    await flush(2000)
    expect(fake.calls).toHaveLength(2)
    expect(c.state.status).toBe('open')
  })

  it('stops on other 4xx with the body detail, without retrying', async () => {
    fake.answer({ kind: 'status', status: 410, body: JSON.stringify({ message: 'stream retired' }) })
    const c = connect()
    c.open()
    await flush(60_000)
    expect(fake.calls).toHaveLength(1)
    expect(c.state.status).toBe('closed')
    expect(c.state.error).toMatchObject({ kind: 'http', status: 410 })
    expect(c.state.error!.message).toContain('stream retired')
  })

  it('takes a JSON body that is not an object (an array) as the detail text itself', async () => {
    fake.answer({ kind: 'status', status: 410, body: '["stream retired"]' })
    const c = connect()
    c.open()
    await flush(60_000)
    expect(c.state.status).toBe('closed')
    expect(c.state.error!.message).toContain('["stream retired"]')
  })

  describe('an error answer whose body never ends', () => {
    /** A fetch that answers `status` with a body that sends `text` and then stalls for good. */
    function stallingFetch(status: number, text: string): { fetch: typeof fetch; calls: number; cancelled: number } {
      const result = { fetch: undefined as unknown as typeof fetch, calls: 0, cancelled: 0 }
      result.fetch = (async () => {
        result.calls++
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(new TextEncoder().encode(text)),
          cancel: () => void result.cancelled++,
        })
        return new Response(body, { status })
      }) as typeof fetch
      return result
    }

    it('a 500 backs off and retries with the detail read so far, even without a watchdog', async () => {
      const server = stallingFetch(500, 'upstream down')
      const c = connect({ heartbeatTimeout: 0, environment: { fetch: server.fetch } })
      c.open()
      await flush(2000)
      expect(c.state.status).toBe('reconnecting')
      expect(errors[0]).toMatchObject({ kind: 'http', status: 500 })
      expect(errors[0]!.message).toContain('upstream down')
      expect(server.cancelled).toBe(1)
      await flush(1000)
      expect(server.calls).toBe(2)
    })

    it('a 409 stops at once instead of waiting for the watchdog', async () => {
      const server = stallingFetch(409, '{"detail": "duplicate connection"')
      const c = connect({ heartbeatTimeout: 45_000, environment: { fetch: server.fetch } })
      c.open()
      await flush(5000)
      expect(c.state.status).toBe('closed')
      expect(c.state.error).toMatchObject({ kind: 'http', status: 409 })
      expect(vi.getTimerCount()).toBe(0)
    })
  })

  it('stops on 204 with an informative error', async () => {
    fake.answer({ kind: 'status', status: 204 })
    const c = connect()
    c.open()
    await flush(60_000)
    expect(fake.calls).toHaveLength(1)
    expect(c.state).toMatchObject({ status: 'closed', error: { kind: 'http', status: 204 } })
  })

  it('reconnect: false closes after the first failure', async () => {
    const c = connect({ reconnect: false })
    c.open()
    await flush()
    fake.last!.end()
    await flush(60_000)
    expect(fake.calls).toHaveLength(1)
    expect(c.state).toMatchObject({ status: 'closed', error: { kind: 'stream-ended' } })
  })

  it('a wrong content type and a rejected fetch back off', async () => {
    fake.answer({ kind: 'stream', contentType: 'text/html' }, { kind: 'reject' })
    const c = connect()
    c.open()
    await flush()
    expect(errors.map((e) => e.kind)).toEqual(['content-type'])
    await flush(1000)
    expect(errors.map((e) => e.kind)).toEqual(['content-type', 'network'])
    await flush(2000)
    expect(c.state.status).toBe('open')
  })

  it('accepts text/event-stream with parameters, and only that media type', async () => {
    fake.answer(
      { kind: 'stream', contentType: 'text/event-stream-foo' },
      { kind: 'stream', contentType: 'Text/Event-Stream ; charset=utf-8' },
    )
    const c = connect()
    c.open()
    await flush()
    expect(errors.map((e) => e.kind)).toEqual(['content-type'])
    await flush(1000)
    expect(c.state.status).toBe('open')
  })

  it('a parse error (maxBufferSize) aborts and backs off', async () => {
    const c = connect({ maxBufferSize: 100 })
    c.open()
    await flush()
    const first = fake.last!
    first.push(`data: ${'x'.repeat(500)}`)
    await flush()
    expect(errors.map((e) => e.kind)).toEqual(['parse'])
    expect(first.aborted).toBe(true)
    await flush(1000)
    expect(fake.calls).toHaveLength(2)
  })
})

describe('401 / 403', () => {
  it('calls onUnauthorized once per streak and reconnects with the returned token', async () => {
    const onUnauthorized = vi.fn(async () => 'fresh')
    fake.answer({ kind: 'status', status: 401 })
    const c = connect({ token: 'stale', onUnauthorized })
    c.open()
    await flush()
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(fake.calls.map((call) => call.headers.Authorization)).toEqual(['Bearer stale', 'Bearer fresh'])
    expect(c.state.status).toBe('open')
    // The override stays for later reconnects...
    fake.last!.end()
    await flush(1000)
    expect(fake.last!.headers.Authorization).toBe('Bearer fresh')
    // ...until restart() (the app changed the token).
    c.restart()
    await flush()
    expect(fake.last!.headers.Authorization).toBe('Bearer stale')
  })

  it('stops with kind unauthorized when onUnauthorized returns null or throws, or the retry fails again', async () => {
    fake.answer({ kind: 'status', status: 401 })
    const c = connect({ onUnauthorized: () => null })
    c.open()
    await flush(60_000)
    expect(c.state).toMatchObject({ status: 'closed', error: { kind: 'unauthorized', status: 401 } })
    expect(fake.calls).toHaveLength(1)

    fake.answer({ kind: 'status', status: 403 })
    const d = connect({
      onUnauthorized: () => {
        throw new Error('refresh endpoint down')
      },
    })
    d.open()
    await flush(60_000)
    expect(d.state).toMatchObject({ status: 'closed', error: { kind: 'unauthorized', status: 403 } })

    fake.answer({ kind: 'status', status: 403 }, { kind: 'status', status: 403 })
    const onUnauthorized = vi.fn(() => 'still-bad')
    const e = connect({ onUnauthorized })
    e.open()
    await flush(60_000)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(e.state).toMatchObject({ status: 'closed', error: { kind: 'unauthorized' } })
  })

  it("a token from onUnauthorized ends with close(): the next open() sends the app's token (another user may log in)", async () => {
    let appToken = 'alice'
    fake.answer({ kind: 'status', status: 401 })
    const c = connect({ token: () => appToken, onUnauthorized: async () => 'alice-refreshed' })
    c.open()
    await flush()
    expect(fake.last!.headers.Authorization).toBe('Bearer alice-refreshed')
    c.close()
    appToken = 'bob'
    c.open()
    await flush()
    expect(fake.last!.headers.Authorization).toBe('Bearer bob')
    expect(c.state.status).toBe('open')
  })

  it('a tab hidden while onUnauthorized runs resumes with the refreshed token', async () => {
    let hidden = false
    vi.spyOn(document, 'hidden', 'get').mockImplementation(() => hidden)
    let answer!: (token: string) => void
    const onUnauthorized = vi.fn(() => new Promise<string>((resolve) => (answer = resolve)))
    fake.answer({ kind: 'status', status: 401 })
    const c = connect({ token: 'stale', pauseWhenHidden: true, onUnauthorized })
    c.open()
    await flush()
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    hidden = true
    document.dispatchEvent(new Event('visibilitychange'))
    answer('fresh')
    await flush(60_000)
    expect(fake.calls).toHaveLength(1)
    hidden = false
    document.dispatchEvent(new Event('visibilitychange'))
    await flush()
    expect(fake.calls.map((call) => call.headers.Authorization)).toEqual(['Bearer stale', 'Bearer fresh'])
    expect(c.state.status).toBe('open')
  })

  it('a tab shown again before onUnauthorized answers asks again when the old token fails, and gets through', async () => {
    let hidden = false
    vi.spyOn(document, 'hidden', 'get').mockImplementation(() => hidden)
    const answers: Array<(token: string) => void> = []
    const onUnauthorized = vi.fn(() => new Promise<string>((resolve) => answers.push(resolve)))
    fake.answer({ kind: 'status', status: 401 }, { kind: 'status', status: 401 })
    const c = connect({ token: 'stale', pauseWhenHidden: true, onUnauthorized })
    c.open()
    await flush()
    hidden = true
    document.dispatchEvent(new Event('visibilitychange'))
    hidden = false
    document.dispatchEvent(new Event('visibilitychange'))
    await flush()
    // The resumed attempt still had the old token: a new refresh, not a dead end.
    expect(onUnauthorized).toHaveBeenCalledTimes(2)
    answers[0]('fresh-1')
    answers[1]('fresh-2')
    await flush()
    expect(c.state.status).toBe('open')
    expect(fake.last!.headers.Authorization).toBe('Bearer fresh-2')
  })

  it('without onUnauthorized a 401 stops at once', async () => {
    fake.answer({ kind: 'status', status: 401 })
    const c = connect()
    c.open()
    await flush(60_000)
    expect(fake.calls).toHaveLength(1)
    expect(c.state.error?.kind).toBe('unauthorized')
  })
})

describe('heartbeat watchdog', () => {
  it('reconnects when no byte arrives for heartbeatTimeout; comments keep it alive', async () => {
    const c = connect({ heartbeatTimeout: 1000 })
    c.open()
    await flush()
    for (let i = 0; i < 5; i++) {
      await flush(600)
      fake.last!.push(': ping\n\n')
    }
    expect(errors).toEqual([])
    expect(fake.calls).toHaveLength(1)
    await flush(1000)
    expect(errors.map((e) => e.kind)).toEqual(['heartbeat'])
    expect(fake.calls[0].aborted).toBe(true)
    await flush(1000)
    expect(fake.calls).toHaveLength(2)
  })

  it('uses one timer no matter how many chunks arrive', async () => {
    const c = connect({ heartbeatTimeout: 45_000 })
    c.open()
    await flush()
    const before = vi.getTimerCount()
    for (let i = 0; i < 1000; i++) fake.last!.push(`id: ${i}\ndata: {"n":${i}}\n\n`)
    await flush()
    expect(messages).toHaveLength(1000)
    expect(vi.getTimerCount()).toBe(before)
    expect(c.state.lastEventId).toBe('999')
  })
})

describe('robustness', () => {
  it('a throwing onMessage is reported as a handler error and the stream goes on', async () => {
    const seen: string[] = []
    const reported: SseError[] = []
    const c = createConnection(
      { url: '/x', heartbeatTimeout: 0, environment: { fetch: fake.fetch } },
      {
        onMessage(m) {
          seen.push(m.data)
          if (m.data === 'boom') throw new Error('listener bug')
        },
        onError: (e) => reported.push(e),
      },
    )
    connection = c
    c.open()
    await flush()
    fake.last!.push('data: boom\n\ndata: next\n\n')
    await flush()
    expect(seen).toEqual(['boom', 'next'])
    expect(reported.map((e) => e.kind)).toEqual(['handler'])
    expect(c.state.status).toBe('open')
  })

  it('logs nothing unless debug, and logs with the prefix when debug', async () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const c = connect()
    c.open()
    await flush()
    fake.last!.push('data: secret-payload\n\n')
    fake.last!.end()
    await flush(1000)
    expect(debug).not.toHaveBeenCalled()
    expect(log).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    c.close()
    const d = connect({ debug: true })
    d.open()
    await flush()
    expect(debug).toHaveBeenCalled()
    expect(debug.mock.calls.every((args) => args[0] === '[vue-sse-hub]')).toBe(true)
  })

  it('a url getter that throws is a config error, not an exception', async () => {
    const c = connect({
      url: () => {
        throw new Error('no base url')
      },
    })
    expect(() => c.open()).not.toThrow()
    expect(c.state).toMatchObject({ status: 'closed', error: { kind: 'config' } })
  })

  it('a request fetch would refuse (a header value beyond Latin-1) stops with a config error, never a retry loop', async () => {
    const c = connect({ token: () => '令牌', reconnect: { initialDelay: 10, maxDelay: 10, jitter: 0 } })
    c.open()
    await flush(1000)
    expect(fake.calls).toHaveLength(0)
    expect(c.state.status).toBe('closed')
    expect(errors.map((e) => e.kind)).toEqual(['config'])
    expect(errors[0].message).toMatch(/"Authorization"/)
    // The value may be a token: it stays out of the message.
    expect(errors[0].message).not.toContain('令牌')
  })

  it('a URL fetch cannot parse, or one with credentials, stops with a config error before any request', async () => {
    for (const url of ['http://exa mple.com/sse', 'http://user:secret@example.com/sse']) {
      errors = []
      const c = connect({ url })
      c.open()
      await flush(1000)
      expect(c.state.status).toBe('closed')
      expect(errors.map((e) => e.kind)).toEqual(['config'])
      expect(errors[0].message).not.toContain('secret')
      c.close()
    }
    expect(fake.calls).toHaveLength(0)
  })

  it('re-reads url, headers and token on every attempt', async () => {
    let n = 0
    const c = connect({ url: () => `/sse?n=${++n}`, headers: () => ({ 'X-N': String(n) }), token: () => `t${n}` })
    c.open()
    await flush()
    fake.last!.end()
    await flush(1000)
    expect(fake.calls.map((call) => [call.url, call.headers['X-N'], call.headers.Authorization])).toEqual([
      ['/sse?n=1', '1', 'Bearer t1'],
      ['/sse?n=2', '2', 'Bearer t2'],
    ])
  })
})

describe('offline and hidden tabs', () => {
  it('waits for the online event instead of retrying while offline', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
    const c = connect()
    c.open()
    await flush()
    fake.last!.error()
    await flush(120_000)
    expect(fake.calls).toHaveLength(1)
    expect(c.state.status).toBe('reconnecting')
    onLine.mockReturnValue(true)
    window.dispatchEvent(new Event('online'))
    await flush()
    expect(fake.calls).toHaveLength(2)
    expect(c.state.status).toBe('open')
  })

  it('an offline event cancels a pending retry until online', async () => {
    const c = connect()
    c.open()
    await flush()
    fake.last!.end()
    await flush()
    window.dispatchEvent(new Event('offline'))
    await flush(60_000)
    expect(fake.calls).toHaveLength(1)
    window.dispatchEvent(new Event('online'))
    await flush()
    expect(fake.calls).toHaveLength(2)
  })

  it("an online event does not cut short a server's Retry-After", async () => {
    fake.answer({ kind: 'status', status: 503, headers: { 'Retry-After': '60' } })
    const c = connect()
    c.open()
    await flush()
    await flush(10_000)
    window.dispatchEvent(new Event('online'))
    await flush(49_000)
    expect(fake.calls).toHaveLength(1)
    expect(c.state.status).toBe('reconnecting')
    await flush(1000)
    expect(fake.calls).toHaveLength(2)
    expect(c.state.status).toBe('open')
  })

  it('back online during a Retry-After: retries when it ends, or at once when it has passed', async () => {
    fake.answer(
      { kind: 'status', status: 429, headers: { 'Retry-After': '60' } },
      { kind: 'status', status: 429, headers: { 'Retry-After': '60' } },
    )
    const c = connect()
    c.open()
    await flush()
    // Offline for 20 s of the minute the server asked for.
    window.dispatchEvent(new Event('offline'))
    await flush(10_000)
    window.dispatchEvent(new Event('online'))
    await flush(49_000)
    expect(fake.calls).toHaveLength(1)
    await flush(1000)
    expect(fake.calls).toHaveLength(2)

    // Offline for longer than the server asked: back online means at once.
    window.dispatchEvent(new Event('offline'))
    await flush(120_000)
    expect(fake.calls).toHaveLength(2)
    window.dispatchEvent(new Event('online'))
    await flush()
    expect(fake.calls).toHaveLength(3)
    expect(c.state.status).toBe('open')
  })

  it("a tab shown again during a server's Retry-After waits for it to end", async () => {
    let hidden = false
    vi.spyOn(document, 'hidden', 'get').mockImplementation(() => hidden)
    fake.answer({ kind: 'status', status: 503, headers: { 'Retry-After': '60' } })
    const c = connect({ pauseWhenHidden: true })
    c.open()
    await flush(10_000)
    hidden = true
    document.dispatchEvent(new Event('visibilitychange'))
    await flush(10_000)
    hidden = false
    document.dispatchEvent(new Event('visibilitychange'))
    expect(c.state.status).toBe('reconnecting')
    await flush(39_000)
    expect(fake.calls).toHaveLength(1)
    await flush(1000)
    expect(fake.calls).toHaveLength(2)
    expect(c.state.status).toBe('open')
  })

  it('pauseWhenHidden closes while hidden and resumes from the last id when visible', async () => {
    let hidden = false
    vi.spyOn(document, 'hidden', 'get').mockImplementation(() => hidden)
    const c = connect({ pauseWhenHidden: true })
    c.open()
    await flush()
    fake.last!.push('id: 7\ndata: x\n\n')
    await flush()
    hidden = true
    document.dispatchEvent(new Event('visibilitychange'))
    expect(fake.last!.aborted).toBe(true)
    expect(c.state.status).toBe('idle')
    await flush(60_000)
    expect(fake.calls).toHaveLength(1)
    hidden = false
    document.dispatchEvent(new Event('visibilitychange'))
    await flush()
    expect(fake.calls).toHaveLength(2)
    expect(fake.last!.headers['Last-Event-ID']).toBe('7')
    expect(c.state.status).toBe('open')
  })
})

describe('eventsource transport', () => {
  beforeEach(() => {
    FakeEventSource.instances = []
  })

  function connectEs(options: Partial<CreateConnectionOptions> = {}): SseConnection {
    return connect({
      transport: 'eventsource',
      url: '/api/sse?tenant=1',
      token: 'tk',
      withCredentials: true,
      environment: { EventSource: FakeEventSource as unknown as typeof EventSource },
      ...options,
    })
  }

  it('puts the token in the query, delivers messages and closes the instance on close()', async () => {
    const c = connectEs()
    c.open()
    const es = FakeEventSource.instances[0]
    expect(es.url).toBe('/api/sse?tenant=1&token=tk')
    expect(es.withCredentials).toBe(true)
    es.simulateOpen()
    expect(c.state.status).toBe('open')
    es.simulateMessage('{"messageType":"3"}', '12')
    expect(messages).toEqual([{ event: 'message', data: '{"messageType":"3"}', lastEventId: '12', id: '12' }])
    c.close()
    expect(es.readyState).toBe(2)
  })

  it('reconnects with a new instance carrying lastEventId after the backoff, never two at once', async () => {
    const c = connectEs({ lastEventIdParam: 'since' })
    c.open()
    const first = FakeEventSource.instances[0]
    first.simulateOpen()
    first.simulateMessage('a', '5')
    first.simulateError()
    expect(first.readyState).toBe(2)
    expect(c.state.status).toBe('reconnecting')
    c.open()
    expect(FakeEventSource.instances).toHaveLength(1)
    await flush(1000)
    expect(FakeEventSource.instances).toHaveLength(2)
    const second = FakeEventSource.instances[1]
    expect(second.url).toBe('/api/sse?tenant=1&token=tk&since=5')
    // The new instance starts with an empty id buffer: our resume point is kept.
    second.simulateOpen()
    second.simulateMessage('b', '')
    expect(messages.at(-1)!.lastEventId).toBe('5')
    // Events of the closed instance are ignored.
    first.simulateMessage('stale', '99')
    expect(messages.map((m) => m.data)).toEqual(['a', 'b'])
    expect(c.state.lastEventId).toBe('5')
  })
  // EventSource tells only the id buffer, which persists across events without an id line.
  it('tells an event with its own id from one that carries the previous id, per instance', async () => {
    const c = connectEs()
    c.open()
    const first = FakeEventSource.instances[0]
    first.simulateOpen()
    first.simulateMessage('a', '5')
    first.simulateMessage('b', '5')
    first.simulateMessage('c', '6')
    first.simulateError()
    await flush(1000)
    const second = FakeEventSource.instances[1]
    second.simulateOpen()
    // A server that replays from the resume event itself: its id is its own, in the new instance.
    second.simulateMessage('c', '6')
    second.simulateMessage('d', '6')
    expect(messages.map((m) => [m.data, m.lastEventId, m.id])).toEqual([
      ['a', '5', '5'],
      ['b', '5', undefined],
      ['c', '6', '6'],
      ['c', '6', '6'],
      ['d', '6', undefined],
    ])
    expect(c.state.lastEventId).toBe('6')
    // An empty `id:` clears the buffer, as the spec says: the next attempt sends no id.
    second.simulateMessage('e', '')
    expect(messages.at(-1)).toMatchObject({ data: 'e', lastEventId: '', id: '' })
    expect(c.state.lastEventId).toBe('')
  })

  it('a quiet instance (the browser hides pings) that stays open for heartbeatTimeout is healthy: its end is a first failure', async () => {
    const c = connectEs({ heartbeatTimeout: 45_000, reconnect: { initialDelay: 1000, maxDelay: 30_000, jitter: 0, maxAttempts: 4 } })
    c.open()
    // Two failures before the stream comes back.
    for (let i = 0; i < 2; i++) {
      FakeEventSource.instances.at(-1)!.simulateError()
      await flush(2 ** i * 1000)
    }
    for (let round = 0; round < 3; round++) {
      const es = FakeEventSource.instances.at(-1)!
      es.simulateOpen()
      await flush(44_999)
      expect(c.state.attempt).toBeGreaterThan(0)
      await flush(1)
      expect(c.state.attempt).toBe(0)
      // Hours of quiet later, the server ends it: retried after the first delay, never given up.
      es.simulateError()
      expect(c.state.attempt).toBe(1)
      await flush(1000)
      expect(c.state.status).toBe('reconnecting')
    }
    expect(FakeEventSource.instances).toHaveLength(6)
  })

  it('an instance that opens and fails at once backs off exponentially; a message resets the counter', async () => {
    const c = connectEs()
    c.open()
    for (let i = 0; i < 3; i++) {
      FakeEventSource.instances.at(-1)!.simulateOpen()
      FakeEventSource.instances.at(-1)!.simulateError()
      await flush((2 ** i) * 1000 - 1)
      expect(FakeEventSource.instances).toHaveLength(i + 1)
      await flush(1)
      expect(FakeEventSource.instances).toHaveLength(i + 2)
    }
    const last = FakeEventSource.instances.at(-1)!
    last.simulateOpen()
    expect(c.state.attempt).toBe(3)
    last.simulateMessage('a', '1')
    expect(c.state.attempt).toBe(0)
    last.simulateError()
    await flush(1000)
    expect(FakeEventSource.instances).toHaveLength(5)
  })
})

describe('callbacks that close or restart the connection mid-step', () => {
  function connectWith(callbacks: Parameters<typeof createConnection>[1], options: Partial<CreateConnectionOptions> = {}): SseConnection {
    return connect(options, callbacks)
  }

  it('close() from onError on a retryable failure stays closed: no retry fires later', async () => {
    fake.answer({ kind: 'status', status: 503 }, { kind: 'status', status: 503 })
    const c = connectWith({ onError: () => connection.close(), onStateChange: (s) => states.push(s) })
    c.open()
    await flush()
    expect(c.state.status).toBe('closed')
    await flush(120_000)
    expect(fake.calls).toHaveLength(1)
    expect(c.state.status).toBe('closed')
    expect(states.at(-1)!.status).toBe('closed')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('close() from onStateChange once attempts pile up stays closed', async () => {
    fake.answer(...Array.from({ length: 6 }, () => ({ kind: 'status' as const, status: 502 })))
    const c = connectWith({
      onStateChange: (s) => {
        if (s.attempt >= 2 && s.status !== 'closed') connection.close()
      },
    })
    c.open()
    await flush(120_000)
    expect(fake.calls).toHaveLength(2)
    expect(c.state.status).toBe('closed')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('close() from onError on a 401 does not leave the status at reconnecting', async () => {
    fake.answer({ kind: 'status', status: 401 })
    const onUnauthorized = vi.fn(() => 'fresh')
    const c = connectWith({ onError: () => connection.close() }, { onUnauthorized })
    c.open()
    await flush(60_000)
    expect(c.state.status).toBe('closed')
    expect(fake.calls).toHaveLength(1)
  })

  it('open() from onError after a stopping 404 shows the new attempt, not closed', async () => {
    fake.answer({ kind: 'status', status: 404 })
    let reopened = false
    const c = connectWith({
      onError: () => {
        if (reopened) return
        reopened = true
        connection.open()
      },
      onStateChange: (s) => states.push(s),
    })
    c.open()
    await flush()
    expect(fake.calls).toHaveLength(2)
    expect(c.state.status).toBe('open')
    // While the new attempt was connecting, nothing said the connection was closed.
    expect(states.map((s) => s.status)).not.toContain('closed')
  })

  it('restart() from onMessage: the next stream starts clean, resuming from the id of that message', async () => {
    const seen: RawSseMessage[] = []
    const c = connectWith({
      onMessage: (m) => {
        seen.push(m)
        if (m.data === 'restart') connection.restart()
      },
    })
    c.open()
    await flush()
    fake.last!.push('id: 1\ndata: restart\n\nid: 2\ndata: old\n\ndata: half\n')
    await flush()
    expect(fake.calls).toHaveLength(2)
    expect(fake.last!.headers['Last-Event-ID']).toBe('1')
    fake.last!.push('data: new\n\n')
    await flush()
    expect(seen.map((m) => m.data)).toEqual(['restart', 'new'])
    expect(c.state.lastEventId).toBe('1')
  })

  it('close() from onMessage: the events after it in the same chunk do not move the resume point', async () => {
    const seen: string[] = []
    const c = connectWith({
      onMessage: (m) => {
        seen.push(m.data)
        if (m.data === 'close') connection.close()
      },
    })
    c.open()
    await flush()
    fake.last!.push('id: 1\ndata: close\n\nid: 2\ndata: never delivered\n\n')
    await flush()
    expect(seen).toEqual(['close'])
    expect(c.state.lastEventId).toBe('1')
    c.open()
    await flush()
    expect(fake.last!.headers['Last-Event-ID']).toBe('1')
  })

  it('onBatch wraps the messages of each chunk; close() from onMessage in it delivers nothing more of the chunk', async () => {
    const groups: string[][] = []
    let group: string[] | null = null
    const c = connectWith({
      onBatch(deliver) {
        group = []
        deliver()
        groups.push(group)
        group = null
      },
      onMessage: (m) => {
        group?.push(m.data)
        if (m.data === 'close') connection.close()
      },
    })
    c.open()
    await flush()
    fake.last!.push('id: 1\ndata: a\n\nid: 2\ndata: b\n\n: ping\n\n')
    await flush()
    fake.last!.push('id: 3\ndata: close\n\nid: 4\ndata: never delivered\n\n')
    await flush()
    expect(groups).toEqual([['a', 'b'], ['close']])
    expect(c.state.lastEventId).toBe('3')
  })

  it('close() from onStateChange while connecting starts no request', async () => {
    const c = connectWith({
      onStateChange: (s) => {
        if (s.status === 'connecting') connection.close()
      },
    })
    c.open()
    await flush(60_000)
    expect(c.state.status).toBe('closed')
    expect(fake.calls).toHaveLength(0)
  })

  it('restart() from onStateChange while connecting leaves one live request, which close() ends', async () => {
    let restarted = false
    const c = connectWith({
      onStateChange: (s) => {
        if (s.status === 'connecting' && !restarted) {
          restarted = true
          connection.restart()
        }
      },
    })
    c.open()
    await flush()
    expect(fake.calls.filter((call) => !call.aborted)).toHaveLength(1)
    c.close()
    expect(fake.calls.every((call) => call.aborted)).toBe(true)
  })
})

describe('very long delays', () => {
  it('waits out a Retry-After beyond the timer limit (~24.8 days) instead of retrying at once', async () => {
    const days = 30
    fake.answer(...Array.from({ length: 20 }, () => ({ kind: 'status' as const, status: 503, headers: { 'Retry-After': String(days * 86_400) } })))
    const c = connect()
    c.open()
    await flush(60_000)
    expect(fake.calls).toHaveLength(1)
    expect(c.state.status).toBe('reconnecting')
  })

  it('a heartbeatTimeout of Infinity never spins the watchdog', async () => {
    const c = connect({ heartbeatTimeout: Number.POSITIVE_INFINITY })
    c.open()
    await flush()
    const armed = vi.spyOn(globalThis, 'setTimeout')
    await flush(10_000)
    expect(armed.mock.calls.length).toBeLessThan(3)
    expect(c.state.status).toBe('open')
    expect(fake.calls).toHaveLength(1)
  })
})
