import { createPinia, setActivePinia } from 'pinia'
import type { Pinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import type { Ref } from 'vue'
import type { SseError } from '../../src/core/errors'
import { createSseHub } from '../../src/hub'
import type { SseHub } from '../../src/hub'
import type { SseHubOptions } from '../../src/options'
import { sleep } from '../support/client'
import { useMockServer } from '../support/mockServer'

// The hub against the real mock backend on 127.0.0.1, through Node's own fetch: what a logged-in user's
// app does with the one connection, from login to logout.

let pinia: Pinia
let hubs: SseHub[] = []
let userSeq = 0

/** Node's fetch, counted: how many streams this process holds at once (aborted or ended ones excluded). */
const realFetch = globalThis.fetch
let liveStreams = 0
let peakLiveStreams = 0

function countingFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const signal = init?.signal
  let live = true
  liveStreams++
  peakLiveStreams = Math.max(peakLiveStreams, liveStreams)
  const done = (): void => {
    if (!live) return
    live = false
    liveStreams--
  }
  signal?.addEventListener('abort', done)
  return realFetch(input, init).then(
    (response) => {
      if (!response.body) {
        done()
        return response
      }
      // Pass the body through, noting when it ends or fails.
      const reader = response.body.getReader()
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { value, done: ended } = await reader.read()
            if (ended) {
              done()
              controller.close()
            } else controller.enqueue(value)
          } catch (error) {
            done()
            controller.error(error)
          }
        },
        cancel(reason) {
          done()
          return reader.cancel(reason)
        },
      })
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
    },
    (error: unknown) => {
      done()
      throw error
    },
  )
}

// Pings every 100 ms keep the watchdog fed; no `retry:` so the client's own backoff applies.
const server = useMockServer({ heartbeatMs: 100, retryMs: null }, () => {
  for (const hub of hubs) hub.dispose()
  hubs = []
  vi.unstubAllGlobals()
})
beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  liveStreams = 0
  peakLiveStreams = 0
  vi.stubGlobal('fetch', countingFetch)
})

interface Setup {
  hub: SseHub
  user: string
  token: Ref<string | null>
  errors: SseError[]
  /** A fresh valid token of the same user. */
  issue(): string
}

function setup(extra: Partial<SseHubOptions> = {}): Setup {
  const user = `hub-user${++userSeq}`
  const token = ref<string | null>(null)
  const errors: SseError[] = []
  const hub = createSseHub(
    {
      url: server.sseUrl,
      token,
      share: false,
      notify: false,
      reconnect: { initialDelay: 50, maxDelay: 200, jitter: 0 },
      heartbeatTimeout: 5000,
      onError: (error) => errors.push(error),
      ...extra,
    },
    { pinia },
  )
  hubs.push(hub)
  return { hub, user, token, errors, issue: () => server.backend.tokens.issue(user) }
}

function requestsOf(user: string): typeof server.backend.requests {
  return server.backend.requests.filter((r) => r.user === user)
}

const until = (predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> =>
  server.backend.waitFor(predicate, timeoutMs, what)

describe('login and logout drive the one connection', () => {
  it('logged out: no connection at all', async () => {
    const { hub } = setup()
    await sleep(300)
    expect(server.backend.openConnections).toBe(0)
    expect(server.backend.requests).toHaveLength(0)
    expect(hub.store!.connection.status).toBe('idle')
  })

  it('login opens exactly one connection with the Bearer token; the store shows it open and solo', async () => {
    const { hub, user, token, issue } = setup()
    const first = issue()
    token.value = first
    await until(() => hub.store!.connection.status === 'open', 'status open')
    expect(server.backend.connectionsOf(user)).toBe(1)
    expect(server.backend.openConnections).toBe(1)
    const requests = requestsOf(user)
    expect(requests).toHaveLength(1)
    expect(requests[0].authorization).toBe(`Bearer ${first}`)
    expect(hub.store!.connection.role).toBe('solo')
    expect(hub.role).toBe('solo')
    expect(hub.status).toBe('open')
  })

  it('a new token reconnects with it, never holding two connections', async () => {
    const { hub, user, token, issue } = setup()
    token.value = issue()
    await until(() => hub.store!.connection.status === 'open', 'status open')
    const second = issue()
    token.value = second
    await until(() => requestsOf(user).length === 2 && server.backend.connectionsOf(user) === 1, 'second request')
    await until(() => hub.store!.connection.status === 'open', 'open again')
    await sleep(200)
    expect(requestsOf(user)).toHaveLength(2)
    expect(requestsOf(user).at(-1)!.authorization).toBe(`Bearer ${second}`)
    expect(server.backend.openConnections).toBe(1)
    expect(server.backend.peakConnections).toBe(1)
    expect(peakLiveStreams).toBe(1)
    expect(liveStreams).toBe(1)
  })

  it('logout closes the connection within a second and forgets the user’s data', async () => {
    const { hub, user, token, issue } = setup()
    token.value = issue()
    await until(() => hub.store!.connection.status === 'open', 'status open')
    server.backend.send(user, '5-0', { calcId: 'c1', calcName: 'Load flow' })
    server.backend.send(user, '4', { alarmId: 'a1', level: 'error', title: 'Pump down' })
    server.backend.send(user, '3', { station: 'north' })
    await until(() => hub.store!.stats.received === 3, 'three messages')
    expect(Object.keys(hub.store!.calcs)).toEqual(['c1'])
    expect(hub.store!.alarms).toHaveLength(1)

    token.value = null
    await until(() => server.backend.openConnections === 0, 'the stream to close', 1000)
    const store = hub.store!
    expect(store.connection.status).toBe('closed')
    expect(store.connection.lastEventId).toBe('')
    expect(store.calcs).toEqual({})
    expect(store.alarms).toEqual([])
    expect(store.unreadCount).toBe(0)
    expect(store.scada.lastPulledAt).toBeNull()
    expect(store.stats).toEqual({ received: 0, malformed: 0, unknownType: 0, handlerErrors: 0, reconnects: 0 })
    expect(liveStreams).toBe(0)

    // Nothing comes back on its own.
    await sleep(300)
    expect(requestsOf(user)).toHaveLength(1)
  })

  it('logging in again after a logout starts a fresh session: no reconnect counted, no old id sent', async () => {
    const { hub, user, token, issue } = setup()
    token.value = issue()
    await until(() => hub.store!.connection.status === 'open', 'status open')
    server.backend.send(user, '3', {})
    await until(() => hub.store!.stats.received === 1, 'one message')
    token.value = null
    await until(() => server.backend.openConnections === 0, 'closed')

    token.value = issue()
    await until(() => hub.store!.connection.status === 'open', 'open again')
    expect(requestsOf(user)).toHaveLength(2)
    expect(requestsOf(user)[1].lastEventId).toBeNull()
    expect(hub.store!.stats.reconnects).toBe(0)
    expect(server.backend.openConnections).toBe(1)
  })
})

describe('every messageType through the hub into the store', () => {
  it('a burst of all codes, an unknown type, bad JSON and a throwing listener ends in the right state', async () => {
    const { hub, user, token, issue, errors } = setup()
    const seen: string[] = []
    hub.on('*', (_data, message) => {
      seen.push(message.type)
    })
    hub.on('3', () => {
      throw new Error('listener bug')
    })
    token.value = issue()
    await until(() => hub.store!.connection.status === 'open', 'status open')

    const send = (type: string, data: unknown): string => server.backend.send(user, type, data)
    send('0-0', { calcId: 's1', calcName: 'Steady A' })
    send('0-1', { calcId: 's1', status: 1 })
    send('1-0', { calcId: 'sb1', calcName: 'Sandbox steady' })
    send('1-1', { calcId: 'sb1', status: 0, message: 'diverged' })
    send('2-0', { calcId: 't1' })
    send('2-1', { calcId: 't1', isTrace: 1 })
    send('5-0', { calcId: 'd1', calcName: 'Dynamic 1' })
    send('5-2', { calcId: 'd1', progress: 40 })
    send('5-0', { calcId: 'd2' })
    send('5-2', { calcId: 'd2', progress: 30 })
    send('5-1', { calcId: 'd2', status: 2 })
    send('6-0', { calcId: 'sd1' })
    send('6-2', { calcId: 'sd1', progress: 70 })
    send('6-1', { calcId: 'sd1', status: 'success' })
    send('3', { station: 'north' })
    send('4', { alarmId: 'a1', level: 'critical', title: 'Pump down' })
    send('7', { alarmId: 'n1', title: 'Pressure spike' })
    send('4', { alarmId: 'a2', level: 'info', title: 'Valve moved' })
    server.backend.fault({ kind: 'unknown', user })
    server.backend.fault({ kind: 'malformed', user })
    send('4', { alarmId: 'after', level: 'warning', title: 'Still listening' })

    const store = hub.store!
    await until(() => store.alarms.some((a) => a.id === 'after'), 'the message after the bad ones')

    const calc = (id: string): { kind: string; status: string; progress: number } => {
      const { kind, status, progress } = store.calcs[id]
      return { kind, status, progress }
    }
    expect(calc('s1')).toEqual({ kind: 'steady', status: 'succeeded', progress: 100 })
    expect(calc('sb1')).toEqual({ kind: 'sandboxSteady', status: 'failed', progress: 0 })
    expect(store.calcs.sb1.message).toBe('diverged')
    expect(calc('t1')).toEqual({ kind: 'trace', status: 'succeeded', progress: 100 })
    expect(calc('d1')).toEqual({ kind: 'dyn', status: 'running', progress: 40 })
    expect(calc('d2')).toEqual({ kind: 'dyn', status: 'failed', progress: 30 })
    expect(calc('sd1')).toEqual({ kind: 'sandboxDyn', status: 'succeeded', progress: 100 })
    expect(Object.keys(store.calcs).sort()).toEqual(['d1', 'd2', 's1', 'sb1', 'sd1', 't1'])
    expect(store.runningCalcs.map((c) => c.id)).toEqual(['d1'])
    expect(store.latestCalc('dyn')?.id).toBe('d2')

    expect(store.alarms.map((a) => [a.id, a.kind])).toEqual([
      ['after', 'alarm'],
      ['a2', 'alarm'],
      ['n1', 'anomaly'],
      ['a1', 'alarm'],
    ])
    expect(store.alarms.find((a) => a.id === 'a1')!.level).toBe('critical')
    expect(store.unreadCount).toBe(4)
    expect(store.scada.lastPulledAt).toEqual(expect.any(Number))
    expect(store.scada.data).toEqual({ station: 'north' })

    // 18 business messages + the unknown one + the one after; the malformed one is not "received".
    expect(store.stats).toEqual({ received: 20, malformed: 1, unknownType: 1, handlerErrors: 1, reconnects: 0 })
    expect(seen).toHaveLength(20)
    expect(seen).toContain('x-unknown')
    expect(new Set(seen.filter((t) => t !== 'x-unknown'))).toEqual(
      new Set(['0-0', '0-1', '1-0', '1-1', '2-0', '2-1', '3', '4', '5-0', '5-1', '5-2', '6-0', '6-1', '6-2', '7']),
    )
    expect(errors.map((e) => e.kind).sort()).toEqual(['decode', 'handler'])
    expect(errors.find((e) => e.kind === 'handler')!.message).toContain('listener bug')
    expect(store.connection.status).toBe('open')
    expect(store.connection.lastEventId).toBe(server.backend.lastId)
    expect(requestsOf(user)).toHaveLength(1)
  })
})

describe('cookie-session mode: loggedIn', () => {
  it('false: nothing; true: one connection; false: closed', async () => {
    const user = `hub-cookie${++userSeq}`
    const credential = server.backend.tokens.issue(user)
    const loggedIn = ref(false)
    const hub = createSseHub(
      {
        url: server.sseUrl,
        loggedIn,
        // Node's fetch keeps no cookies: the session travels in a header instead.
        headers: () => ({ Authorization: `Bearer ${credential}` }),
        share: false,
        notify: false,
        reconnect: { initialDelay: 50, maxDelay: 200, jitter: 0 },
      },
      { pinia },
    )
    hubs.push(hub)
    await sleep(300)
    expect(server.backend.requests).toHaveLength(0)

    loggedIn.value = true
    await until(() => hub.store!.connection.status === 'open', 'status open')
    expect(server.backend.connectionsOf(user)).toBe(1)
    expect(requestsOf(user)).toHaveLength(1)

    server.backend.send(user, '4', { alarmId: 'c1' })
    await until(() => hub.store!.alarms.length === 1, 'an alarm')

    loggedIn.value = false
    await until(() => server.backend.openConnections === 0, 'the stream to close', 1000)
    expect(hub.store!.alarms).toEqual([])
    await sleep(200)
    expect(server.backend.requests).toHaveLength(1)
  })
})

describe('resilience', () => {
  it('a dropped stream reconnects once and resumes: nothing lost, nothing twice', async () => {
    const { hub, user, token, issue } = setup()
    const got: number[] = []
    hub.on('4', (data) => {
      got.push((data as { n: number }).n)
    })
    token.value = issue()
    await until(() => hub.store!.connection.status === 'open', 'status open')
    server.backend.send(user, '4', { n: 1 })
    const second = server.backend.send(user, '4', { n: 2 })
    await until(() => got.length === 2, 'two messages')

    server.backend.fault({ kind: 'drop' })
    server.backend.send(user, '4', { n: 3 })
    server.backend.send(user, '4', { n: 4 })
    await until(() => got.length >= 4 && hub.store!.connection.status === 'open', 'resumed')
    server.backend.send(user, '4', { n: 5 })
    await until(() => got.length >= 5, 'a message after the reconnect')
    await sleep(100)

    expect(got).toEqual([1, 2, 3, 4, 5])
    const store = hub.store!
    expect(store.stats.reconnects).toBe(1)
    expect(store.stats.received).toBe(5)
    expect(store.alarms).toHaveLength(5)
    const requests = requestsOf(user)
    expect(requests).toHaveLength(2)
    expect(requests[1].lastEventId).toBe(second)
    expect(server.backend.openConnections).toBe(1)
  })

  it('share: true in Node (no Web Locks) falls back to one solo connection', async () => {
    expect((globalThis as { navigator?: { locks?: unknown } }).navigator?.locks).toBeUndefined()
    const { hub, user, token, issue } = setup({ share: true })
    token.value = issue()
    await until(() => hub.store!.connection.status === 'open', 'status open')
    await sleep(200)
    expect(hub.role).toBe('solo')
    expect(hub.store!.connection.role).toBe('solo')
    expect(server.backend.connectionsOf(user)).toBe(1)
    expect(requestsOf(user)).toHaveLength(1)
    server.backend.send(user, '3', {})
    await until(() => hub.store!.stats.received === 1, 'a message')
  })
})

describe('dispose', () => {
  it('closes the connection and stops watching the login', async () => {
    const { hub, user, token, issue } = setup()
    token.value = issue()
    await until(() => hub.store!.connection.status === 'open', 'status open')
    hub.dispose()
    await until(() => server.backend.openConnections === 0, 'the stream to close', 1000)
    expect(liveStreams).toBe(0)

    token.value = issue()
    await sleep(300)
    expect(requestsOf(user)).toHaveLength(1)
    expect(server.backend.openConnections).toBe(0)
  })

  it('cancels a pending reconnect: nothing reaches the server after it', async () => {
    const { hub, user, token, issue } = setup({ reconnect: { initialDelay: 300, maxDelay: 300, jitter: 0 } })
    token.value = issue()
    await until(() => hub.store!.connection.status === 'open', 'status open')
    // The server goes down briefly: the hub waits 300 ms before trying again.
    server.backend.fault({ kind: 'restart', downMs: 100 })
    await until(() => hub.store!.connection.status === 'reconnecting', 'reconnecting')
    const before = requestsOf(user).length
    hub.dispose()
    await sleep(800)
    expect(requestsOf(user)).toHaveLength(before)
    expect(server.backend.openConnections).toBe(0)
    expect(liveStreams).toBe(0)
  })
})
