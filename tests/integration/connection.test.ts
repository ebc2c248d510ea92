import { describe, expect, it } from 'vitest'
import { fastReconnect, recordingClient, sleep } from '../support/client'
import type { RecordingClient } from '../support/client'
import { useMockServer } from '../support/mockServer'

let clients: RecordingClient[] = []
let token: string

const server = useMockServer({ heartbeatMs: 0, retryMs: null }, () => {
  for (const client of clients) client.connection.close()
  clients = []
})

let userSeq = 0
function client(extra: Partial<Parameters<typeof recordingClient>[0]> = {}): { c: RecordingClient; user: string } {
  const user = `user${++userSeq}`
  token = server.backend.tokens.issue(user)
  const c = recordingClient({ url: server.sseUrl, token: () => token, reconnect: fastReconnect, heartbeatTimeout: 0, ...extra })
  clients.push(c)
  return { c, user }
}

/** Asserts no client ever had two streams at once on the server. */
function expectSingleConnection(): void {
  expect(server.backend.peakConnections).toBeLessThanOrEqual(1)
}

describe('connection against the mock backend', () => {
  it('opens, receives messages in order and sends the expected headers', async () => {
    const { c, user } = client()
    c.connection.open()
    await c.untilStatus('open')
    server.backend.send(user, '3', { n: 1 })
    server.backend.send(user, '3', { n: 2 })
    await c.until(() => c.payloads.length === 2)
    expect(c.payloads).toEqual([{ n: 1 }, { n: 2 }])
    const request = server.backend.requests[0]
    expect(request.headers.accept).toBe('text/event-stream')
    expect(request.headers['cache-control']).toBe('no-cache')
    expect(request.authorization).toBe(`Bearer ${token}`)
    expect(request.lastEventId).toBeNull()
    expect(c.connection.state.lastEventId).toBe(server.backend.lastId)
    expectSingleConnection()
  })

  it('close() leaves no connection on the server', async () => {
    const { c } = client()
    c.connection.open()
    await c.untilStatus('open')
    expect(server.backend.openConnections).toBe(1)
    c.connection.close()
    expect(c.connection.state.status).toBe('closed')
    await server.backend.waitFor(() => server.backend.openConnections === 0, 1000, 'no open connection')
  })

  it('open() while connecting or open does not open a second stream', async () => {
    const { c } = client()
    c.connection.open()
    c.connection.open()
    await c.untilStatus('open')
    c.connection.open()
    await sleep(100)
    expect(server.backend.requests).toHaveLength(1)
    expectSingleConnection()
  })

  it('after several drops every message arrived exactly once, in order, resuming from the last id', async () => {
    const { c, user } = client()
    c.connection.open()
    await c.untilStatus('open')
    let n = 0
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 5; i++) server.backend.send(user, '4', { n: n++ })
      const idBeforeDrop = server.backend.lastId
      server.backend.fault({ kind: 'drop' })
      // Sent while the client is away: must be replayed.
      for (let i = 0; i < 3; i++) server.backend.send(user, '4', { n: n++ })
      const before = server.backend.requests.length
      await server.backend.waitFor(() => server.backend.requests.length > before && server.backend.openConnections === 1, 3000, 'reconnect')
      expect(server.backend.requests.at(-1)!.lastEventId).toBe(idBeforeDrop)
      await c.untilStatus('open')
    }
    await c.until(() => c.payloads.length === n, 3000, `${n} messages`)
    expect(c.payloads).toEqual(Array.from({ length: n }, (_, i) => ({ n: i })))
    expect(c.connection.state.reconnects).toBe(4)
    expectSingleConnection()
  })

  it('a stream the server ends is resumed', async () => {
    const { c, user } = client()
    c.connection.open()
    await c.untilStatus('open')
    const firstId = server.backend.send(user, '3', { n: 1 })
    await c.until(() => c.payloads.length === 1)
    server.backend.endStreams()
    server.backend.send(user, '3', { n: 2 })
    await c.until(() => c.payloads.length === 2, 3000)
    expect(c.errors.map((e) => e.kind)).toContain('stream-ended')
    expect(server.backend.requests.at(-1)!.lastEventId).toBe(firstId)
    expect(c.payloads).toEqual([{ n: 1 }, { n: 2 }])
    expectSingleConnection()
  })
})

describe('the mock backend across a restart', () => {
  it('continues ids from firstId: a backend started again from the time never reuses an id', async () => {
    const { createMockBackend } = await import('../../playground/server')
    const before = createMockBackend({ requireAuth: false })
    const lastBefore = Number(before.send('anonymous', '4', { n: 1 }))
    before.close()
    const after = createMockBackend({ requireAuth: false, firstId: Date.now() * 1000 })
    expect(Number(after.send('anonymous', '4', { n: 2 }))).toBeGreaterThan(lastBefore)
    after.close()
    const numbered = createMockBackend({ requireAuth: false, firstId: 41 })
    expect(numbered.send('anonymous', '4', {})).toBe('42')
    numbered.close()
  })
})
