import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import type { CreateConnectionOptions } from '../../src/core/connection'
import { fastReconnect, recordingClient, sleep } from '../support/client'
import type { RecordingClient } from '../support/client'
import { useMockServer } from '../support/mockServer'

let clients: RecordingClient[] = []

const server = useMockServer({ heartbeatMs: 0, retryMs: null }, () => {
  for (const client of clients) client.connection.close()
  clients = []
})

let userSeq = 0
function setup(extra: Partial<CreateConnectionOptions> = {}): { c: RecordingClient; user: string; token: () => string } {
  const user = `fault-user${++userSeq}`
  let token = server.backend.tokens.issue(user)
  const c = recordingClient({
    url: server.sseUrl,
    token: () => token,
    reconnect: fastReconnect,
    heartbeatTimeout: 0,
    ...extra,
  })
  clients.push(c)
  return {
    c,
    user,
    token: () => {
      token = server.backend.tokens.issue(user)
      return token
    },
  }
}

async function openClient(c: RecordingClient): Promise<void> {
  c.connection.open()
  await c.untilStatus('open')
}

describe('status codes', () => {
  it('500 backs off, then recovers and resumes', async () => {
    const { c, user } = setup()
    await openClient(c)
    const id = server.backend.send(user, '3', { n: 1 })
    await c.until(() => c.payloads.length === 1)
    server.backend.fault({ kind: 'status', status: 500, count: 2 })
    server.backend.fault({ kind: 'drop' })
    server.backend.send(user, '3', { n: 2 })
    await c.until(() => c.payloads.length === 2, 5000)
    expect(c.errors.filter((e) => e.kind === 'http').map((e) => e.status)).toEqual([500, 500])
    expect(server.backend.requests.slice(1).map((r) => r.status)).toEqual([500, 500, 200])
    expect(server.backend.requests.at(-1)!.lastEventId).toBe(id)
    expect(c.connection.state.status).toBe('open')
    expect(c.connection.state.error).toBeNull()
    expect(server.backend.peakConnections).toBeLessThanOrEqual(1)
  })

  it('a 500 whose body never ends backs off and retries with the detail that came, even with no watchdog', async () => {
    // A proxy that sends the error's head and a bit of its page, then stalls.
    let requests = 0
    const stalling = createServer((_request, response) => {
      requests++
      response.writeHead(500, { 'Content-Type': 'text/plain' })
      response.write('upstream down')
    })
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve))
    try {
      const c = recordingClient({
        url: `http://127.0.0.1:${(stalling.address() as AddressInfo).port}/api/sse`,
        reconnect: fastReconnect,
        heartbeatTimeout: 0,
      })
      clients.push(c)
      c.connection.open()
      await c.until(() => requests >= 2, 4000, 'a second request')
      expect(c.errors[0]).toMatchObject({ kind: 'http', status: 500 })
      expect(c.errors[0]!.message).toContain('upstream down')
    } finally {
      stalling.closeAllConnections()
      await new Promise((resolve) => stalling.close(resolve))
    }
  })

  it('204 stops for good: no retry', async () => {
    server.backend.fault({ kind: 'status', status: 204 })
    const { c } = setup()
    c.connection.open()
    await c.untilStatus('closed')
    await sleep(300)
    expect(server.backend.requests).toHaveLength(1)
    expect(c.connection.state.error).toMatchObject({ kind: 'http', status: 204 })
  })

  it('409 stops with the status and the server detail', async () => {
    server.backend.fault({ kind: 'status', status: 409, detail: 'duplicate connection for this user' })
    const { c } = setup()
    c.connection.open()
    await c.untilStatus('closed')
    await sleep(300)
    expect(server.backend.requests).toHaveLength(1)
    expect(c.connection.state.error?.kind).toBe('http')
    expect(c.connection.state.error?.status).toBe(409)
    expect(c.connection.state.error?.message).toContain('duplicate connection for this user')
  })

  it('429 waits for Retry-After before trying again', async () => {
    server.backend.fault({ kind: 'status', status: 429, retryAfter: 1 })
    const { c } = setup()
    c.connection.open()
    await c.untilStatus('open', 4000)
    const [first, second] = server.backend.requests
    expect(first.status).toBe(429)
    expect(second.time - first.time).toBeGreaterThanOrEqual(900)
  })

  it('401 calls onUnauthorized once and reconnects with the new token', async () => {
    let calls = 0
    let fresh = ''
    const { c, user, token } = setup({
      onUnauthorized: async () => {
        calls++
        fresh = token()
        return fresh
      },
    })
    await openClient(c)
    server.backend.send(user, '3', { n: 1 })
    await c.until(() => c.payloads.length === 1)
    server.backend.tokens.revokeUser(user)
    server.backend.fault({ kind: 'drop' })
    server.backend.send(user, '3', { n: 2 })
    await c.until(() => c.payloads.length === 2, 5000)
    expect(calls).toBe(1)
    const statuses = server.backend.requests.map((r) => r.status)
    expect(statuses).toEqual([200, 401, 200])
    expect(server.backend.requests.at(-1)!.authorization).toBe(`Bearer ${fresh}`)
    expect(c.connection.state.status).toBe('open')
  })

  it('401 with onUnauthorized returning null closes with an unauthorized error', async () => {
    let calls = 0
    const { c, user } = setup({
      onUnauthorized: () => {
        calls++
        return null
      },
    })
    server.backend.tokens.revokeUser(user)
    c.connection.open()
    await c.untilStatus('closed')
    await sleep(200)
    expect(calls).toBe(1)
    expect(server.backend.requests).toHaveLength(1)
    expect(c.connection.state.error).toMatchObject({ kind: 'unauthorized', status: 401 })
  })

  it('403 again after a refresh stops instead of looping', async () => {
    server.backend.fault({ kind: 'status', status: 403, count: 5 })
    let calls = 0
    const { c } = setup({ onUnauthorized: () => `refreshed-${++calls}` })
    c.connection.open()
    await c.untilStatus('closed')
    await sleep(200)
    expect(calls).toBe(1)
    expect(server.backend.requests).toHaveLength(2)
    expect(server.backend.requests[1].authorization).toBe('Bearer refreshed-1')
    expect(c.connection.state.error).toMatchObject({ kind: 'unauthorized', status: 403 })
  })
})

describe('broken streams', () => {
  it('a stalled stream is detected by the heartbeat watchdog and resumed', async () => {
    const { c, user } = setup({ heartbeatTimeout: 500 })
    await openClient(c)
    const id = server.backend.send(user, '3', { n: 1 })
    await c.until(() => c.payloads.length === 1)
    server.backend.fault({ kind: 'stall' })
    server.backend.send(user, '3', { n: 2 })
    await c.until(() => c.payloads.length === 2, 4000)
    expect(c.errors.map((e) => e.kind)).toContain('heartbeat')
    expect(server.backend.requests.at(-1)!.lastEventId).toBe(id)
    expect(c.payloads).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('pings keep a quiet stream alive under the watchdog', async () => {
    server.backend.setHeartbeat(100)
    try {
      const { c } = setup({ heartbeatTimeout: 400 })
      await openClient(c)
      await sleep(1200)
      expect(c.errors).toEqual([])
      expect(server.backend.requests).toHaveLength(1)
    } finally {
      server.backend.setHeartbeat(0)
    }
  })

  it('a wrong content type backs off, then recovers', async () => {
    server.backend.fault({ kind: 'content-type' })
    const { c, user } = setup()
    c.connection.open()
    await c.untilStatus('open', 3000)
    server.backend.send(user, '3', { ok: true })
    await c.until(() => c.payloads.length === 1)
    expect(c.errors.map((e) => e.kind)).toEqual(['content-type'])
    expect(server.backend.requests).toHaveLength(2)
  })

  it('garbage and invalid UTF-8 do not break the stream', async () => {
    const { c, user } = setup()
    await openClient(c)
    server.backend.fault({ kind: 'garbage' })
    server.backend.send(user, '3', { after: '垃圾之后' })
    await c.until(() => c.payloads.length === 1)
    expect(c.payloads).toEqual([{ after: '垃圾之后' }])
    expect(c.connection.state.status).toBe('open')
  })

  it('a 5 MB event arrives whole', async () => {
    const { c } = setup()
    await openClient(c)
    server.backend.fault({ kind: 'big', size: 5 * 1024 * 1024 })
    await c.until(() => c.payloads.length === 1, 10_000)
    const data = c.payloads[0] as { size: number; blob: string }
    expect(data.blob.length).toBe(5 * 1024 * 1024)
    expect(data.blob).toBe('x'.repeat(5 * 1024 * 1024))
  })

  it('an event longer than maxBufferSize is a parse error: abort and reconnect from the id before it', async () => {
    const { c, user } = setup({ maxBufferSize: 64 * 1024 })
    await openClient(c)
    const before = server.backend.send(user, '3', { n: 'before' })
    await c.until(() => c.payloads.length === 1)
    server.backend.fault({ kind: 'big', size: 256 * 1024, user })
    // The replay holds the same oversized event, so each attempt fails the same way, with backoff.
    await server.backend.waitFor(() => server.backend.requests.length >= 3, 3000, 'reconnects')
    expect(c.errors.filter((e) => e.kind === 'parse').length).toBeGreaterThanOrEqual(2)
    expect(server.backend.requests.slice(1).every((r) => r.lastEventId === before)).toBe(true)
    expect(c.payloads).toHaveLength(1)
    expect(server.backend.peakConnections).toBeLessThanOrEqual(1)
  })

  it('byte-by-byte writes arrive intact, CJK included', async () => {
    const { c, user } = setup()
    await openClient(c)
    server.backend.fault({ kind: 'byte-by-byte', count: 2 })
    server.backend.send(user, '4', { title: '管网压力告警', content: '监测点 P-101 压力超出上限 ✓ 🚰' })
    server.backend.send(user, '3', { message: 'SCADA 数据已拉取' })
    server.backend.send(user, '3', { message: 'normal' })
    await c.until(() => c.payloads.length === 3, 5000)
    expect(c.payloads).toEqual([
      { title: '管网压力告警', content: '监测点 P-101 压力超出上限 ✓ 🚰' },
      { message: 'SCADA 数据已拉取' },
      { message: 'normal' },
    ])
  })

  it('malformed and unknown messages are delivered raw without breaking the stream', async () => {
    const { c, user } = setup()
    await openClient(c)
    server.backend.fault({ kind: 'malformed', user })
    server.backend.fault({ kind: 'unknown', user })
    server.backend.send(user, '3', { n: 1 })
    await c.until(() => c.messages.length === 3)
    expect(c.types).toEqual(['(malformed)', 'x-unknown', '3'])
    expect(c.connection.state.status).toBe('open')
  })

  it('a server restart refuses connections for a moment; the client comes back and misses nothing', async () => {
    const { c, user } = setup()
    await openClient(c)
    server.backend.send(user, '3', { n: 1 })
    await c.until(() => c.payloads.length === 1)
    server.backend.fault({ kind: 'restart', downMs: 300 })
    server.backend.send(user, '3', { n: 2 })
    await c.until(() => c.payloads.length === 2, 5000)
    expect(c.errors.some((e) => e.kind === 'network')).toBe(true)
    expect(server.backend.requests.filter((r) => r.status === 0).length).toBeGreaterThan(0)
    expect(c.payloads).toEqual([{ n: 1 }, { n: 2 }])
    expect(server.backend.peakConnections).toBeLessThanOrEqual(1)
  })

  it('maxAttempts gives up with the last error', async () => {
    server.backend.fault({ kind: 'status', status: 503, count: 10 })
    const { c } = setup({ reconnect: { ...fastReconnect, maxAttempts: 3 } })
    c.connection.open()
    await c.untilStatus('closed', 3000)
    await sleep(300)
    expect(server.backend.requests).toHaveLength(3)
    expect(c.connection.state.error).toMatchObject({ kind: 'http', status: 503 })
  })

  it('reconnect: false stays closed after a failure', async () => {
    const { c } = setup({ reconnect: false })
    await openClient(c)
    server.backend.fault({ kind: 'drop' })
    await c.untilStatus('closed')
    await sleep(200)
    expect(server.backend.requests).toHaveLength(1)
    expect(c.connection.state.error?.kind).toBe('network')
  })
})

describe('the HTTP control API', () => {
  it('login issues a token accepted by the stream, fault and send work over HTTP', async () => {
    const login = await fetch(`${server.url}/api/login`, { method: 'POST', body: JSON.stringify({ username: 'http-user' }) })
    const { token } = (await login.json()) as { token: string }
    expect(login.headers.get('set-cookie')).toContain(`sse_token=${token}`)
    const c = recordingClient({ url: server.sseUrl, token, reconnect: fastReconnect, heartbeatTimeout: 0 })
    clients.push(c)
    await openClient(c)
    const sent = await fetch(`${server.url}/api/send`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ messageType: '7', messageData: { title: 'x' } }),
    })
    expect(sent.status).toBe(200)
    await c.until(() => c.payloads.length === 1)
    const fault = await fetch(`${server.url}/api/fault`, { method: 'POST', body: JSON.stringify({ kind: 'nope' }) })
    expect(fault.status).toBe(400)
    const drop = await fetch(`${server.url}/api/fault`, { method: 'POST', body: JSON.stringify({ kind: 'drop' }) })
    expect(drop.status).toBe(200)
    await server.backend.waitFor(() => server.backend.requests.length === 2 && server.backend.openConnections === 1, 3000)
    const stats = (await (await fetch(`${server.url}/api/stats`)).json()) as { openConnections: number }
    expect(stats.openConnections).toBe(1)
  })

  it('a cookie token works and query tokens work', async () => {
    const token = server.backend.tokens.issue('cookie-user')
    const byCookie = await fetch(server.sseUrl, { headers: { Cookie: `sse_token=${token}` } })
    expect(byCookie.status).toBe(200)
    expect(byCookie.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(byCookie.headers.get('x-accel-buffering')).toBe('no')
    await byCookie.body?.cancel()
    const byQuery = await fetch(`${server.sseUrl}?token=${token}`)
    expect(byQuery.status).toBe(200)
    await byQuery.body?.cancel()
    const none = await fetch(server.sseUrl)
    expect(none.status).toBe(401)
  })

  it('the calc simulator sends start, progress up to 100 and an end', async () => {
    const { c, user } = setup()
    await openClient(c)
    const response = await fetch(`${server.url}/api/calc`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'dyn', user, outcome: 'failure' }),
    })
    const { calcId } = (await response.json()) as { calcId: string }
    // 10 progress steps of ~300 ms.
    await c.until(() => c.types.includes('5-1'), 8000, 'the calc end')
    expect(c.types[0]).toBe('5-0')
    const progress = c.payloads.filter((_, i) => c.types[i] === '5-2').map((p) => (p as { progress: number }).progress)
    expect(progress.at(-1)).toBe(100)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    expect(c.payloads.at(-1)).toMatchObject({ calcId, status: 0 })
  })
})
