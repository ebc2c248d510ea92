import { createPinia } from 'pinia'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSseHub } from '../../src/hub'
import { openStream, startExampleServer } from '../support/exampleServer'
import type { ExampleServer, OpenStream } from '../support/exampleServer'

// The minimal server of docs/backend.md (examples/server/server.mjs), run with `node` as the docs
// say: what a team copies must keep the promises the docs make about it.

let server: ExampleServer
let streams: OpenStream[] = []

async function stream(path: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const opened = await openStream(server.origin, path, headers)
  streams.push(opened)
  return opened
}

const alice = { Authorization: 'Bearer alice-token' }
const payload = (data: string): unknown => (JSON.parse(data) as { messageData: unknown }).messageData

beforeAll(async () => {
  server = await startExampleServer()
})
afterEach(() => {
  for (const opened of streams) opened.close()
  streams = []
})
afterAll(async () => {
  await server.stop()
})

describe('the example server', () => {
  it('answers a stream with the headers docs/backend.md lists, and a 401 with a JSON detail without a valid token', async () => {
    const opened = await stream('/api/sse', alice)
    expect(opened.response.status).toBe(200)
    expect(opened.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(opened.response.headers.get('cache-control')).toBe('no-cache')
    expect(opened.response.headers.get('x-accel-buffering')).toBe('no')
    for (const headers of [{}, { Authorization: 'Bearer wrong' }] as Array<Record<string, string>>) {
      const refused = await fetch(`${server.origin}/api/sse`, { headers })
      expect(refused.status).toBe(401)
      expect(await refused.json()).toEqual({ detail: expect.any(String) })
    }
  })

  it('gives a fresh connection (no id) no history, only what is sent from then on', async () => {
    await server.push('alice-token', '4', { title: 'old alarm' })
    const fresh = await stream('/api/sse', alice)
    await server.push('alice-token', '4', { title: 'new alarm' })
    await fresh.untilEvents(1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fresh.events.map((event) => payload(event.data))).toEqual([{ title: 'new alarm' }])
  })

  it('replays exactly what came after the given id, from the Last-Event-ID header or the lastEventId query parameter', async () => {
    const first = await server.push('alice-token', '5-2', { progress: 10 })
    const second = await server.push('alice-token', '5-2', { progress: 20 })
    const third = await server.push('alice-token', '5-2', { progress: 30 })
    const byHeader = await stream('/api/sse', { ...alice, 'Last-Event-ID': String(first) })
    const byQuery = await stream(`/api/sse?token=alice-token&lastEventId=${second}`)
    await byHeader.untilEvents(2)
    await byQuery.untilEvents(1)
    expect(byHeader.events.map((event) => Number(event.id))).toEqual([second, third])
    expect(byQuery.events.map((event) => Number(event.id))).toEqual([third])
  })

  it('accepts the token as a Bearer header, the sse_token cookie or the token query parameter', async () => {
    const ways = [
      await stream('/api/sse', alice),
      await stream('/api/sse', { Cookie: 'theme=dark; sse_token=alice-token' }),
      await stream('/api/sse?token=alice-token'),
    ]
    await server.push('alice-token', '3', { message: 'pulled' })
    for (const opened of ways) {
      expect(opened.response.status).toBe(200)
      await opened.untilEvents(1)
    }
  })

  it("keeps history per user: a user's messages and replays never reach another user", async () => {
    const bob = await stream('/api/sse', { Authorization: 'Bearer bob-token' })
    const before = await server.push('bob-token', '4', { title: 'for bob' })
    await server.push('alice-token', '4', { title: 'for alice' })
    await server.push('bob-token', '4', { title: 'for bob again' })
    await bob.untilEvents(2)
    const bobResumed = await stream('/api/sse', { Authorization: 'Bearer bob-token', 'Last-Event-ID': String(before) })
    await bobResumed.untilEvents(1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(bob.events.map((event) => payload(event.data))).toEqual([{ title: 'for bob' }, { title: 'for bob again' }])
    expect(bobResumed.events.map((event) => payload(event.data))).toEqual([{ title: 'for bob again' }])
  })

  it('never reuses an id after a restart: ids keep growing', async () => {
    const before = await server.push('alice-token', '3', {})
    await server.stop()
    server = await startExampleServer(Number(new URL(server.origin).port))
    const after = await server.push('alice-token', '3', {})
    expect(after).toBeGreaterThan(before)
  })

  it('feeds the hub: a logged-in hub gets pushed messages into its store, resumes after a restart from the last id, nothing twice', async () => {
    const received: unknown[] = []
    const pinia = createPinia()
    const hub = createSseHub(
      { url: `${server.origin}/api/sse`, token: 'alice-token', notify: false, share: false, reconnect: { initialDelay: 50, maxDelay: 200, jitter: 0 } },
      { pinia },
    )
    hub.on('4', (data) => received.push(data))
    const waitFor = async (count: number): Promise<void> => {
      const started = Date.now()
      while (received.length < count) {
        if (Date.now() - started > 5000) throw new Error(`Expected ${count} alarms, got ${JSON.stringify(received)}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
    const until = async (condition: () => boolean, what: string): Promise<void> => {
      const started = Date.now()
      while (!condition()) {
        if (Date.now() - started > 5000) throw new Error(`Timed out waiting for ${what}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
    try {
      await until(() => hub.status === 'open', 'the stream to open')
      await server.push('alice-token', '4', { alarmId: 'a1' })
      await waitFor(1)
      await server.stop()
      await until(() => hub.status !== 'open', 'the hub to see the drop')
      server = await startExampleServer(Number(new URL(server.origin).port))
      // The restarted process has no history (it keeps it in memory): what is sent once the hub is
      // back is delivered, once, and the old id does not make it replay anything.
      await until(() => hub.status === 'open', 'the stream to reopen')
      await server.push('alice-token', '4', { alarmId: 'a2' })
      await waitFor(2)
      expect(received).toEqual([{ alarmId: 'a1' }, { alarmId: 'a2' }])
      expect(hub.store?.alarms.map((alarm) => alarm.id)).toEqual(['a2', 'a1'])
    } finally {
      hub.dispose()
    }
  })
})
