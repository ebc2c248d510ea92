// @vitest-environment node
import { createPinia, setActivePinia } from 'pinia'
import type { Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSSRApp, defineComponent, h, nextTick, reactive, ref, watch } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { SseError } from '../../src/core/errors'
import { createSseHub } from '../../src/hub'
import { feedOf } from '../../src/store/storeFeed'
import type { SseHub, SseHubContext } from '../../src/hub'
import type { SseHubOptions } from '../../src/options'
import { createFakeFetch, FakeEventSource } from '../support/fakeFetch'
import { createFakeBrowser } from '../support/fakeTabs'
import type { FakeTab } from '../support/fakeTabs'
import type { FakeFetch } from '../support/fakeFetch'

// The hub outside any app and without a DOM (Node, SSR), with the scripted fetch as the network.

let fake: FakeFetch
let pinia: Pinia
let hubs: SseHub[] = []

beforeEach(() => {
  fake = createFakeFetch()
  vi.stubGlobal('fetch', fake.fetch)
  pinia = createPinia()
  setActivePinia(pinia)
})

afterEach(() => {
  for (const hub of hubs) hub.dispose()
  hubs = []
  vi.unstubAllGlobals()
})

function hubWith(extra: Partial<SseHubOptions> = {}, context: SseHubContext = { pinia }): SseHub {
  const hub = createSseHub(
    { url: 'http://127.0.0.1:9/api/sse', share: false, notify: false, reconnect: { initialDelay: 10, maxDelay: 10, jitter: 0 }, ...extra },
    context,
  )
  hubs.push(hub)
  return hub
}

function event(id: string | null, type: string, data: unknown): string {
  return `${id === null ? '' : `id: ${id}\n`}data: ${JSON.stringify({ messageType: type, messageData: data })}\n\n`
}

const waitFor = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 2000, interval: 2 })

describe('createSseHub', () => {
  it('needs a url and says how to give one', () => {
    expect(() => createSseHub({ url: '' })).toThrowError(SseError)
    expect(() => createSseHub({ url: '' })).toThrowError(/app\.use\(ssePlugin, \{ url: /)
  })

  it('without a login source: nothing until connect(); disconnect() closes and forgets', async () => {
    const hub = hubWith()
    await nextTick()
    expect(fake.calls).toHaveLength(0)

    hub.connect()
    hub.connect()
    await waitFor(() => expect(hub.status).toBe('open'))
    expect(fake.calls).toHaveLength(1)
    expect(fake.last!.headers.Authorization).toBeUndefined()
    fake.last!.push(event('1', '4', { alarmId: 'a' }))
    await waitFor(() => expect(hub.store!.alarms).toHaveLength(1))

    hub.disconnect()
    expect(fake.last!.aborted).toBe(true)
    expect(hub.status).toBe('closed')
    expect(hub.store!.alarms).toEqual([])

    hub.connect()
    await waitFor(() => expect(hub.status).toBe('open'))
    expect(fake.calls).toHaveLength(2)
    // A new session does not resume the old one.
    expect(fake.last!.headers['Last-Event-ID']).toBeUndefined()
  })

  it('connect() after the stream gave up (e.g. 409) opens it again, keeping the data', async () => {
    const hub = hubWith()
    hub.connect()
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('4', '4', { alarmId: 'kept' }))
    await waitFor(() => expect(hub.store!.alarms).toHaveLength(1))
    fake.answer({ kind: 'status', status: 409, body: '{"detail":"duplicate connection"}' })
    fake.last!.error()
    await waitFor(() => expect(hub.status).toBe('closed'))
    expect(hub.store!.connection.error).toMatchObject({ status: 409 })
    expect(fake.calls).toHaveLength(2)

    // A "Retry" button.
    hub.connect()
    await waitFor(() => expect(hub.status).toBe('open'))
    expect(fake.calls).toHaveLength(3)
    expect(fake.last!.headers['Last-Event-ID']).toBe('4')
    expect(hub.store!.alarms).toHaveLength(1)
  })

  it('follows a getter of reactive auth state: login, token refresh, logout, next login', async () => {
    const auth = reactive<{ token: string | null }>({ token: null })
    const hub = hubWith({ token: () => auth.token })
    await nextTick()
    expect(fake.calls).toHaveLength(0)

    auth.token = 'first'
    await waitFor(() => expect(hub.status).toBe('open'))
    expect(fake.calls.map((c) => c.headers.Authorization)).toEqual(['Bearer first'])
    fake.last!.push(event('7', '3', {}))
    await waitFor(() => expect(hub.store!.connection.lastEventId).toBe('7'))

    auth.token = 'refreshed'
    await waitFor(() => expect(fake.calls).toHaveLength(2))
    expect(fake.calls[0].aborted).toBe(true)
    expect(fake.calls[1].headers.Authorization).toBe('Bearer refreshed')
    // Same session: it resumes, and the data stays.
    expect(fake.calls[1].headers['Last-Event-ID']).toBe('7')
    expect(hub.store!.stats.received).toBe(1)
    await waitFor(() => expect(hub.status).toBe('open'))

    auth.token = null
    await nextTick()
    expect(fake.calls[1].aborted).toBe(true)
    expect(hub.status).toBe('closed')
    expect(hub.store!.stats.received).toBe(0)
    expect(hub.store!.connection.lastEventId).toBe('')

    auth.token = 'next-user'
    await waitFor(() => expect(fake.calls).toHaveLength(3))
    expect(fake.calls[2].headers.Authorization).toBe('Bearer next-user')
    expect(fake.calls[2].headers['Last-Event-ID']).toBeUndefined()
    await waitFor(() => expect(hub.status).toBe('open'))
    expect(hub.store!.stats.reconnects).toBe(0)
  })

  it("after logout, the next user's stream never carries the token onUnauthorized gave the previous one", async () => {
    const token = ref<string | null>('alice')
    fake.answer({ kind: 'status', status: 401 })
    const hub = hubWith({ token, onUnauthorized: async () => 'alice-refreshed' })
    await waitFor(() => expect(hub.status).toBe('open'))
    expect(fake.last!.headers.Authorization).toBe('Bearer alice-refreshed')

    token.value = null
    await nextTick()
    token.value = 'bob'
    await waitFor(() => expect(fake.calls).toHaveLength(3))
    await waitFor(() => expect(hub.status).toBe('open'))
    expect(fake.last!.headers.Authorization).toBe('Bearer bob')
  })

  it("after logout, nothing of the previous user's stream shows in the next login's connection state", async () => {
    const token = ref<string | null>('alice')
    const hub = hubWith({ token })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('7', '4', { alarmId: 'a' }))
    await waitFor(() => expect(hub.store!.connection.lastMessageAt).not.toBeNull())

    token.value = null
    await nextTick()
    token.value = 'bob'
    await waitFor(() => expect(hub.status).toBe('open'))
    expect(hub.store!.connection).toMatchObject({ lastEventId: '', lastMessageAt: null, error: null })
  })

  it("the next user's stream may reuse ids the previous user's stream had", async () => {
    const token = ref<string | null>('alice')
    const hub = hubWith({ token })
    const got: unknown[] = []
    hub.on('3', (data) => {
      got.push(data)
    })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('1', '3', { user: 'alice' }))
    await waitFor(() => expect(got).toHaveLength(1))

    token.value = null
    await nextTick()
    token.value = 'bob'
    await waitFor(() => expect(fake.calls).toHaveLength(2))
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('1', '3', { user: 'bob' }))
    await waitFor(() => expect(got).toEqual([{ user: 'alice' }, { user: 'bob' }]))
  })

  // A "switch account" action: `auth.logout(); auth.token = next` in one synchronous step.
  it('a logout followed by the next login in the same tick still forgets the previous user', async () => {
    const token = ref<string | null>('alice')
    const hub = hubWith({ token })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('9', '4', { alarmId: 'alice-alarm' }))
    await waitFor(() => expect(hub.store!.alarms).toHaveLength(1))

    token.value = null
    token.value = 'bob'
    await waitFor(() => expect(fake.calls).toHaveLength(2))
    expect(fake.calls[0].aborted).toBe(true)
    expect(hub.store!.alarms).toEqual([])
    expect(fake.last!.headers.Authorization).toBe('Bearer bob')
    expect(fake.last!.headers['Last-Event-ID']).toBeUndefined()
  })

  it('cookie sessions: loggedIn off and on again in the same tick forgets the previous user', async () => {
    const loggedIn = ref(true)
    const hub = hubWith({ loggedIn })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('9', '4', { alarmId: 'alice-alarm' }))
    await waitFor(() => expect(hub.store!.alarms).toHaveLength(1))

    loggedIn.value = false
    loggedIn.value = true
    await waitFor(() => expect(fake.calls).toHaveLength(2))
    expect(fake.calls[0].aborted).toBe(true)
    expect(hub.store!.alarms).toEqual([])
    expect(fake.last!.headers['Last-Event-ID']).toBeUndefined()
  })

  it('a token of another user (JWT sub) clears the data; a refresh for the same user keeps it', async () => {
    const jwt = (sub: string, n: number): string =>
      `h.${Buffer.from(JSON.stringify({ sub, n })).toString('base64url')}.s`
    const token = ref<string | null>(jwt('alice', 1))
    const hub = hubWith({ token })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('1', '4', { alarmId: 'a1' }))
    await waitFor(() => expect(hub.store!.alarms).toHaveLength(1))

    token.value = jwt('alice', 2)
    await waitFor(() => expect(fake.calls).toHaveLength(2))
    expect(fake.last!.headers['Last-Event-ID']).toBe('1')
    expect(hub.store!.alarms).toHaveLength(1)

    token.value = jwt('bob', 1)
    await waitFor(() => expect(fake.calls).toHaveLength(3))
    expect(hub.store!.alarms).toHaveLength(0)
    expect(fake.last!.headers['Last-Event-ID']).toBeUndefined()
    expect(fake.last!.headers.Authorization).toBe(`Bearer ${jwt('bob', 1)}`)
  })

  /** Opens a hub, delivers ids 1 and 2, breaks the stream and waits for the resumed one. */
  async function resumedAfter2(): Promise<{ hub: SseHub; got: unknown[] }> {
    const hub = hubWith({ token: 't' })
    const got: unknown[] = []
    hub.on('3', (data) => {
      got.push(data)
    })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('1', '3', { n: 1 }) + event('2', '3', { n: 2 }))
    await waitFor(() => expect(got).toHaveLength(2))
    fake.last!.error()
    await waitFor(() => expect(fake.calls).toHaveLength(2))
    expect(fake.last!.headers['Last-Event-ID']).toBe('2')
    await waitFor(() => expect(hub.status).toBe('open'))
    return { hub, got }
  }

  it('delivers an event id seen before only once across a reconnect', async () => {
    const { hub, got } = await resumedAfter2()
    // A server resuming from an older point, then going on; a message without an id of its own
    // repeats the last id and is still new.
    fake.last!.push(event('1', '3', { n: 1 }) + event('3', '3', { n: 3 }) + event(null, '3', { n: 4 }))
    await waitFor(() => expect(got).toHaveLength(4))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }])
    expect(hub.store!.stats.received).toBe(4)
    expect(hub.store!.stats.reconnects).toBe(1)
  })

  // Some servers replay the Last-Event-ID event itself: its own id line tells it from a message
  // without an id (which carries the previous id).
  it('delivers the last event once when the server replays it on resume', async () => {
    const { got } = await resumedAfter2()
    fake.last!.push(event('2', '3', { n: 2 }) + event('3', '3', { n: 3 }))
    await waitFor(() => expect(got.length).toBeGreaterThanOrEqual(3))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  // The browser's EventSource tells no event's own id, only the id buffer.
  it('on the eventsource transport too, a server that replays the resume event itself has it delivered once', async () => {
    FakeEventSource.instances = []
    const hub = hubWith({ token: 't', transport: 'eventsource', environment: { EventSource: FakeEventSource as unknown as typeof EventSource } })
    const got: unknown[] = []
    hub.on('3', (data) => {
      got.push(data)
    })
    const json = (n: number): string => JSON.stringify({ messageType: '3', messageData: { n } })
    const first = FakeEventSource.instances[0]
    first.simulateOpen()
    first.simulateMessage(json(1), '1')
    first.simulateMessage(json(2), '2')
    first.simulateError()
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2))
    const second = FakeEventSource.instances[1]
    expect(second.url).toContain('lastEventId=2')
    second.simulateOpen()
    second.simulateMessage(json(2), '2')
    second.simulateMessage(json(3), '3')
    // A message without an id of its own carries the last one and is new.
    second.simulateMessage(json(4), '3')
    expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }])
    expect(hub.store!.stats.received).toBe(4)
  })

  it('a decoder that throws or rejects is reported; null is skipped; the stream goes on', async () => {
    const errors: SseError[] = []
    const hub = hubWith({
      token: 't',
      onError: (error) => errors.push(error),
      decode: (raw) => {
        if (raw.data === 'boom') throw new Error('cannot read')
        if (raw.data === 'bad') return new SseError('decode', 'not ours')
        if (raw.data === 'skip') return null
        return { type: raw.event, data: raw.data }
      },
    })
    const got: unknown[] = []
    hub.on('*', (data) => {
      got.push(data)
    })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push('data: boom\n\ndata: bad\n\ndata: skip\n\nevent: ping-type\ndata: fine\n\n')
    await waitFor(() => expect(got).toEqual(['fine']))
    expect(errors.map((e) => [e.kind, e.message])).toEqual([
      ['decode', 'The decoder threw: cannot read'],
      ['decode', 'not ours'],
    ])
    expect(hub.store!.stats).toMatchObject({ received: 1, malformed: 2, unknownType: 1 })
  })

  it('an onError that throws breaks neither the listeners nor the stream', async () => {
    const hub = hubWith({
      token: 't',
      onError: () => {
        throw new Error('reporter down')
      },
    })
    const got: string[] = []
    hub.on('4', () => {
      throw new Error('listener down')
    })
    hub.on('4', (data) => {
      got.push((data as { alarmId: string }).alarmId)
    })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push('data: {not json\n\n' + event('1', '4', { alarmId: 'x' }) + event('2', '4', { alarmId: 'y' }))
    await waitFor(() => expect(got).toEqual(['x', 'y']))
    expect(hub.store!.stats).toMatchObject({ received: 2, malformed: 1, handlerErrors: 2 })
    expect(hub.status).toBe('open')
  })

  it('a Pinia that arrives late gets the live connection state', async () => {
    let late: Pinia | undefined
    const hub = hubWith({ token: 't' }, { pinia: () => late })
    await waitFor(() => expect(hub.status).toBe('open'))
    expect(hub.store).toBeUndefined()
    fake.last!.push(event('5', '3', {}))
    await new Promise((resolve) => setTimeout(resolve, 10))

    late = createPinia()
    const store = hub.store!
    expect(store).toBeDefined()
    expect(store.connection.status).toBe('open')
    expect(store.connection.lastEventId).toBe('5')
    fake.last!.push(event('6', '4', { alarmId: 'after' }))
    await waitFor(() => expect(store.alarms.map((a) => a.id)).toEqual(['after']))
  })

  it('without any Pinia: listeners get every message; a Pinia activated later gets the store', async () => {
    setActivePinia(undefined)
    const hub = hubWith({ token: 't' }, {})
    const seen: string[] = []
    hub.on('*', (_data, message) => seen.push(message.id))
    await waitFor(() => expect(hub.status).toBe('open'))
    for (let i = 1; i <= 3; i++) fake.last!.push(event(String(i), '4', { alarmId: `a${i}` }))
    await waitFor(() => expect(seen).toEqual(['1', '2', '3']))
    expect(hub.store).toBeUndefined()

    setActivePinia(createPinia())
    const store = hub.store!
    expect(store.connection.status).toBe('open')
    fake.last!.push(event('4', '4', { alarmId: 'a4' }))
    await waitFor(() => expect(store.alarms.map((a) => a.id)).toEqual(['a4']))
  })

  it('dispose: aborts, removes the listeners, stops watching, and connect() does nothing afterwards', async () => {
    const token = ref<string | null>('t')
    const hub = hubWith({ token })
    hub.on('3', () => {})
    await waitFor(() => expect(hub.status).toBe('open'))
    hub.dispose()
    expect(fake.last!.aborted).toBe(true)
    expect(hub.listenerCount()).toBe(0)
    token.value = 'u'
    await nextTick()
    hub.connect()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(fake.calls).toHaveLength(1)
  })
})

// The messages of one read of the stream (up to 16 KiB) are one group: the store tells Vue of them once,
// and everything the app runs with a message sees the store as it is after that message.
describe('a slice of the stream', () => {
  it('a listener sees the store as it is after its message, computeds and the alarm list included', async () => {
    const hub = hubWith({ token: 't' })
    await waitFor(() => expect(hub.status).toBe('open'))
    const store = hub.store!
    const seen: unknown[] = []
    hub.on('*', (_data, message) => {
      const running = store.runningCalcs.map((c) => `${c.id} ${c.progress}`).join()
      seen.push([message.id, store.stats.received, store.connection.lastEventId, running, store.alarms.length, store.unreadCount])
    })
    fake.last!.push(
      event('1', '5-0', { calcId: 'a' }) +
        event('2', '5-2', { calcId: 'a', progress: 40 }) +
        event('3', '4', { alarmId: 'x' }) +
        event('4', '5-1', { calcId: 'a', status: 1 }),
    )
    await waitFor(() => expect(seen).toHaveLength(4))
    expect(seen).toEqual([
      ['1', 1, '1', 'a 0', 0, 0],
      ['2', 2, '2', 'a 40', 0, 0],
      ['3', 3, '3', 'a 40', 1, 1],
      ['4', 4, '4', '', 1, 1],
    ])
  })

  it('without listeners, watchers hear of a slice once, with its last values', async () => {
    const hub = hubWith({ token: 't' })
    await waitFor(() => expect(hub.status).toBe('open'))
    const store = hub.store!
    const received: number[] = []
    const progress: Array<number | undefined> = []
    watch(() => store.stats.received, (n) => received.push(n), { flush: 'sync' })
    watch(() => store.calcs.a?.progress, (p) => progress.push(p), { flush: 'sync' })
    const steps = Array.from({ length: 20 }, (_, i) => event(String(i + 2), '5-2', { calcId: 'a', progress: i + 1 }))
    fake.last!.push(event('1', '5-0', { calcId: 'a' }) + steps.join(''))
    await waitFor(() => expect(received).toEqual([21]))
    expect(progress).toEqual([20])
    expect(store.connection.lastEventId).toBe('21')
    fake.last!.push(event('22', '5-2', { calcId: 'a', progress: 50 }) + event('23', '5-2', { calcId: 'a', progress: 60 }))
    await waitFor(() => expect(received).toEqual([21, 23]))
    expect(progress).toEqual([20, 60])
  })

  it('a listener that logs out in the middle of a slice: nothing of the rest is delivered or stored', async () => {
    const hub = hubWith({ token: 't' })
    await waitFor(() => expect(hub.status).toBe('open'))
    const store = hub.store!
    const heard: string[] = []
    hub.on('*', (_data, message) => heard.push(message.id))
    hub.on('4', () => hub.disconnect())
    fake.last!.push(
      event('1', '5-0', { calcId: 'a' }) +
        event('2', '4', { alarmId: 'x' }) +
        event('3', '5-2', { calcId: 'a', progress: 10 }) +
        event('4', '4', { alarmId: 'y' }),
    )
    await waitFor(() => expect(hub.status).toBe('closed'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    // The '*' listeners of the message that logged out still hear it (the bus takes its lists first).
    expect(heard).toEqual(['1', '2'])
    expect(store.stats.received).toBe(0)
    expect(store.calcs).toEqual({})
    expect(store.alarms).toEqual([])
    expect(store.connection.lastEventId).toBe('')
  })

  it('onError, in the middle of a slice, sees the store as it is', async () => {
    const seen: string[] = []
    const hub: SseHub = hubWith({
      token: 't',
      onError(error) {
        const store = hub.store!
        seen.push(`${error.kind}: ${store.stats.received} received, ${store.runningCalcs.map((c) => c.id).join()} running`)
      },
    })
    hub.on('5-2', () => {
      throw new Error('listener down')
    })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('1', '5-0', { calcId: 'a' }) + 'data: {not json\n\n' + event('2', '5-0', { calcId: 'b' }) + event('3', '5-2', { calcId: 'b', progress: 1 }))
    await waitFor(() => expect(seen).toHaveLength(2))
    expect(seen).toEqual(['decode: 1 received, a running', 'handler: 3 received, a,b running'])
  })

  it("the app's decoder sees the store as it is after the message before", async () => {
    const views: string[] = []
    const hub: SseHub = hubWith({
      token: 't',
      decode(raw) {
        const store = hub.store!
        views.push(`${store.stats.received} ${store.runningCalcs.map((c) => c.id).join()}`)
        const { messageType, messageData } = JSON.parse(raw.data) as { messageType: string; messageData: unknown }
        return { type: messageType, data: messageData }
      },
    })
    await waitFor(() => expect(hub.status).toBe('open'))
    fake.last!.push(event('1', '5-0', { calcId: 'a' }) + event('2', '5-0', { calcId: 'b' }) + event('3', '5-1', { calcId: 'a', status: 1 }))
    await waitFor(() => expect(views).toHaveLength(3))
    expect(views).toEqual(['0 ', '1 a', '2 a,b'])
  })
})

describe('server-side rendering', () => {
  it('importing the package touches no browser global', async () => {
    const ownFiles = new URL('../../src/', import.meta.url).pathname
    const names = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage']
    const touched: string[] = []
    for (const name of names) {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          const caller = new Error().stack?.split('\n')[2] ?? ''
          if (caller.includes(ownFiles)) touched.push(`${name} ${caller.trim()}`)
          return undefined
        },
      })
    }
    try {
      vi.resetModules()
      const index = await import('../../src/index')
      expect(typeof index.ssePlugin.install).toBe('function')
    } finally {
      for (const name of names) delete (globalThis as Record<string, unknown>)[name]
    }
    expect(touched).toEqual([])
  })

  it('rendering on the server with a logged-in user opens no connection', async () => {
    const { ssePlugin, useSse, useSseStore } = await import('../../src/index')
    const fetchSpy = vi.fn(fake.fetch)
    vi.stubGlobal('fetch', fetchSpy)
    const onError = vi.fn()
    const Page = defineComponent({
      setup() {
        const { status } = useSse()
        const store = useSseStore()
        return () => h('main', [h('p', `status:${status.value}`), h('p', `alarms:${store.alarms.length}`)])
      },
    })
    const app = createSSRApp(Page)
    app.use(createPinia())
    app.use(ssePlugin, { url: '/api/sse', token: 'x', onError })
    const html = await renderToString(app)
    expect(html).toContain('status:idle')
    expect(html).toContain('alarms:0')
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(fetchSpy).not.toHaveBeenCalled()
    expect(onError).not.toHaveBeenCalled()
  })

  it('rendering on the server opens no connection even when a component calls connect()', async () => {
    const { ssePlugin, useSse } = await import('../../src/index')
    const fetchSpy = vi.fn(fake.fetch)
    vi.stubGlobal('fetch', fetchSpy)
    // An app that drives the stream with explicit calls: "signed in already? connect".
    const Page = defineComponent({
      setup() {
        const { connect, status } = useSse()
        connect()
        return () => h('p', `status:${status.value}`)
      },
    })
    const app = createSSRApp(Page)
    app.use(createPinia())
    app.use(ssePlugin, { url: 'http://127.0.0.1:9/api/sse', reconnect: { initialDelay: 10, maxDelay: 10, jitter: 0 } })
    const hub = app.config.globalProperties.$sse
    const html = await renderToString(app)
    expect(html).toContain('status:idle')
    await new Promise((resolve) => setTimeout(resolve, 30))
    // The server renders many requests and never unmounts: a stream (and its retries) would outlive it.
    expect(fetchSpy).not.toHaveBeenCalled()
    expect(hub.status).toBe('idle')
    hub.dispose()
  })

  it('rendering on the server leaves no request\'s hub as the fallback of another request', async () => {
    const { ssePlugin, getActiveHub, setActiveHub, useSseHub } = await import('../../src/index')
    setActiveHub(undefined)
    const app = createSSRApp(defineComponent({ render: () => h('p', 'page') }))
    app.use(createPinia())
    app.use(ssePlugin, { url: '/api/sse', token: 'user-of-this-request' })
    await renderToString(app)
    // Code outside components of a concurrent request must not reach this request's hub and store.
    expect(getActiveHub()).toBeUndefined()
    expect(() => useSseHub()).toThrowError(/No SSE hub found/)
  })
})

describe('two tabs sharing one stream', () => {
  /** A hub as one tab of the fake browser sees it: that tab's Web Locks and BroadcastChannel. */
  function hubInTab(tab: FakeTab, extra: Partial<SseHubOptions>, tabPinia: Pinia): SseHub {
    vi.stubGlobal('navigator', { locks: tab.locks })
    vi.stubGlobal('BroadcastChannel', tab.BroadcastChannel)
    return hubWith({ share: true, ...extra }, { pinia: tabPinia })
  }

  it("a tab that joins shows the leader's reconnect count of this login, not more", async () => {
    const browser = createFakeBrowser()
    const token = ref<string | null>('alice')
    const leader = hubInTab(browser.openTab(), { token }, createPinia())
    await browser.settle()
    await waitFor(() => expect(leader.status).toBe('open'))
    expect(leader.role).toBe('leader')

    // A reconnect in an earlier login, then one in this login.
    fake.last!.error()
    await waitFor(() => expect(fake.calls).toHaveLength(2))
    await waitFor(() => expect(leader.status).toBe('open'))
    token.value = null
    await nextTick()
    token.value = 'alice'
    await nextTick()
    await browser.settle()
    await waitFor(() => expect(leader.status).toBe('open'))
    fake.last!.error()
    await waitFor(() => expect(fake.calls).toHaveLength(4))
    await waitFor(() => expect(leader.status).toBe('open'))
    expect(leader.store!.stats.reconnects).toBe(1)

    const follower = hubInTab(browser.openTab(), { token: 'alice' }, createPinia())
    await browser.settle()
    await waitFor(() => expect(follower.store!.connection.status).toBe('open'))
    await browser.settle()
    expect(follower.role).toBe('follower')
    expect(follower.store!.stats.reconnects).toBe(1)

    // The next drop counts once in both tabs.
    fake.last!.error()
    await waitFor(() => expect(fake.calls).toHaveLength(5))
    await waitFor(() => expect(leader.status).toBe('open'))
    await browser.settle()
    expect(leader.store!.stats.reconnects).toBe(2)
    expect(follower.store!.stats.reconnects).toBe(2)
  })

  /** Two tabs of alice's: the first leads with its stream open, the second follows. */
  async function leaderAndFollower() {
    const browser = createFakeBrowser()
    const leader = hubInTab(browser.openTab(), { token: 'alice' }, createPinia())
    await browser.settle()
    await waitFor(() => expect(leader.status).toBe('open'))
    const follower = hubInTab(browser.openTab(), { token: 'alice' }, createPinia())
    await browser.settle()
    expect([leader.role, follower.role]).toEqual(['leader', 'follower'])
    return { browser, leader, follower }
  }

  it("connect() in a follower after the leader's stream gave up asks the leader to open it again", async () => {
    const { browser, leader, follower } = await leaderAndFollower()

    fake.answer({ kind: 'status', status: 409, body: '{"detail":"duplicate connection"}' })
    fake.last!.error()
    await waitFor(() => expect(leader.status).toBe('closed'))
    await browser.settle()
    expect(follower.store!.connection).toMatchObject({ status: 'closed', error: { status: 409 } })
    const calls = fake.calls.length

    // The user presses "Retry" in the follower tab.
    follower.connect()
    await browser.settle()
    await waitFor(() => expect(leader.status).toBe('open'))
    await browser.settle()
    expect(follower.store!.connection.status).toBe('open')
    expect(fake.calls).toHaveLength(calls + 1)
    expect(follower.role).toBe('follower')
  })

  describe('pauseWhenHidden with sharing on', () => {
    let page: EventTarget & { hidden: boolean }
    beforeEach(() => {
      page = Object.assign(new EventTarget(), { hidden: false })
      vi.stubGlobal('document', page)
    })
    function setHidden(hidden: boolean): void {
      page.hidden = hidden
      page.dispatchEvent(new Event('visibilitychange'))
    }

    it('a tab on its own (no Web Locks: a plain-http page) pauses while hidden and resumes from the last id', async () => {
      vi.stubGlobal('navigator', {})
      const hub = hubWith({ share: true, token: 'alice', pauseWhenHidden: true })
      await waitFor(() => expect(hub.status).toBe('open'))
      expect(hub.role).toBe('solo')
      fake.last!.push(event('7', '3', { n: 1 }))
      await waitFor(() => expect(hub.store!.connection.lastEventId).toBe('7'))

      setHidden(true)
      expect(fake.last!.aborted).toBe(true)
      expect(hub.status).toBe('idle')
      setHidden(false)
      await waitFor(() => expect(hub.status).toBe('open'))
      expect(fake.calls).toHaveLength(2)
      expect(fake.last!.headers['Last-Event-ID']).toBe('7')
    })

    it('a leader keeps the stream while hidden: every tab of the user depends on it', async () => {
      const browser = createFakeBrowser()
      const leader = hubInTab(browser.openTab(), { token: 'alice', pauseWhenHidden: true }, createPinia())
      await browser.settle()
      await waitFor(() => expect(leader.status).toBe('open'))
      expect(leader.role).toBe('leader')
      setHidden(true)
      await browser.settle()
      expect(fake.calls).toHaveLength(1)
      expect(fake.last!.aborted).toBe(false)
      expect(leader.status).toBe('open')
    })
  })

  describe('alarm acknowledgements', () => {
    const alarm = (id: string, alarmId: string): string => event(id, '4', { alarmId, level: 'warning', title: alarmId })
    const unread = (hub: SseHub): string[] => hub.store!.alarms.filter((a) => !a.read).map((a) => a.id)
    const ackPosts = (browser: ReturnType<typeof createFakeBrowser>): unknown[] =>
      browser.posted.filter((p) => (p.data as { kind: string }).kind === 'ack').map((p) => p.data)

    /** A leader and a follower of alice's, both holding the unread alarms al-1, al-2 and al-3. */
    async function twoTabsWithAlarms() {
      const { browser, leader, follower } = await leaderAndFollower()
      fake.last!.push(alarm('1', 'al-1') + alarm('2', 'al-2') + alarm('3', 'al-3'))
      await waitFor(() => expect(leader.store!.unreadCount).toBe(3))
      await browser.settle()
      expect(unread(follower)).toEqual(['al-3', 'al-2', 'al-1'])
      return { browser, leader, follower }
    }

    it('one acknowledged in the follower is read in the leader and the other way round, without echo', async () => {
      const { browser, leader, follower } = await twoTabsWithAlarms()
      follower.store!.acknowledge('al-1')
      await browser.settle()
      expect(unread(leader)).toEqual(['al-3', 'al-2'])
      expect(leader.store!.unreadCount).toBe(2)
      expect(ackPosts(browser)).toHaveLength(1)

      leader.store!.acknowledge('al-3')
      await browser.settle()
      expect(unread(follower)).toEqual(['al-2'])
      expect(follower.store!.unreadCount).toBe(1)
      // Each click posted once; applying what another tab sent posts nothing.
      expect(ackPosts(browser)).toHaveLength(2)
    })

    it('a selection acknowledged at once reaches the other tab as one change', async () => {
      const { browser, leader, follower } = await twoTabsWithAlarms()
      const lists: string[][] = []
      watch(() => leader.store!.alarms, (list) => lists.push(list.filter((a) => !a.read).map((a) => a.id)), { flush: 'sync' })
      follower.store!.acknowledge(['al-1', 'al-3'])
      await browser.settle()
      expect(unread(follower)).toEqual(['al-2'])
      expect(lists).toEqual([['al-2']])
      expect(ackPosts(browser)).toHaveLength(1)
    })

    it('acknowledgeAll reads, in the other tabs, what was unread where the user clicked, not what came since', async () => {
      const { browser, leader, follower } = await twoTabsWithAlarms()
      follower.store!.acknowledgeAll()
      // An alarm the leader gets before the follower's click reaches it: the user never saw it.
      feedOf(leader.store!).apply({ type: '4', data: { alarmId: 'al-4', title: 'al-4' }, id: '' }, true)
      await browser.settle()
      expect(unread(follower)).toEqual([])
      expect(unread(leader)).toEqual(['al-4'])
      expect(leader.store!.unreadCount).toBe(1)
      expect(ackPosts(browser)).toHaveLength(1)

      leader.store!.acknowledgeAll()
      await browser.settle()
      expect(leader.store!.unreadCount).toBe(0)
      expect(ackPosts(browser)).toHaveLength(2)
      // Nothing unread, nothing to tell.
      follower.store!.acknowledgeAll()
      await browser.settle()
      expect(ackPosts(browser)).toHaveLength(2)
    })

    it('clearAlarms in one tab empties every tab', async () => {
      const { browser, leader, follower } = await twoTabsWithAlarms()
      follower.store!.clearAlarms()
      await browser.settle()
      expect(leader.store!.alarms).toEqual([])
      expect(leader.store!.unreadCount).toBe(0)
      expect(ackPosts(browser)).toHaveLength(1)

      // The list goes on from empty in both tabs.
      fake.last!.push(alarm('4', 'al-4'))
      await waitFor(() => expect(leader.store!.unreadCount).toBe(1))
      await browser.settle()
      expect(unread(follower)).toEqual(['al-4'])
      leader.store!.clearAlarms()
      await browser.settle()
      expect(follower.store!.alarms).toEqual([])
      expect(ackPosts(browser)).toHaveLength(2)
    })

    it('an acknowledgement made before a tab joins shows in the tab that joins', async () => {
      const { browser, leader, follower } = await twoTabsWithAlarms()
      follower.store!.acknowledge('al-2')
      leader.store!.acknowledge('al-3')
      await browser.settle()
      const late = hubInTab(browser.openTab(), { token: 'alice' }, createPinia())
      await browser.settle()
      expect(late.role).toBe('follower')
      expect(late.store!.alarms.map((a) => a.id)).toEqual(['al-3', 'al-2', 'al-1'])
      expect(unread(late)).toEqual(['al-1'])
      expect(late.store!.unreadCount).toBe(1)
    })

    it('after logout, acknowledging tells no tab', async () => {
      const { browser, leader, follower } = await twoTabsWithAlarms()
      follower.disconnect()
      await browser.settle()
      leader.store!.acknowledgeAll()
      follower.store!.clearAlarms()
      await browser.settle()
      expect(ackPosts(browser)).toEqual([])
    })

    it('with share: false, each tab keeps its own acknowledgements', async () => {
      const browser = createFakeBrowser()
      const a = hubInTab(browser.openTab(), { token: 'alice', share: false }, createPinia())
      const b = hubInTab(browser.openTab(), { token: 'alice', share: false }, createPinia())
      await waitFor(() => expect([a.status, b.status]).toEqual(['open', 'open']))
      expect(a.role).toBe('solo')
      for (const call of fake.calls) call.push(alarm('1', 'al-1') + alarm('2', 'al-2'))
      await waitFor(() => expect([a.store!.unreadCount, b.store!.unreadCount]).toEqual([2, 2]))
      a.store!.acknowledge('al-1')
      b.store!.clearAlarms()
      await browser.settle()
      expect(unread(a)).toEqual(['al-2'])
      expect(b.store!.alarms).toEqual([])
      expect(browser.posted).toEqual([])
    })
  })
})

describe('two tabs sharing one stream, without Pinia', () => {
  it("a follower's hub.status is the leader's stream, as with a store", async () => {
    const browser = createFakeBrowser()
    const inTab = (tab: FakeTab): SseHub => {
      vi.stubGlobal('navigator', { locks: tab.locks })
      vi.stubGlobal('BroadcastChannel', tab.BroadcastChannel)
      return hubWith({ share: true, token: 'alice' }, { pinia: () => undefined })
    }
    const leader = inTab(browser.openTab())
    await browser.settle()
    await waitFor(() => expect(leader.status).toBe('open'))
    const follower = inTab(browser.openTab())
    await browser.settle()
    expect(follower.role).toBe('follower')
    expect(follower.status).toBe('open')

    fake.last!.error()
    await waitFor(() => expect(fake.calls).toHaveLength(2))
    await browser.settle()
    await waitFor(() => expect(leader.status).toBe('open'))
    await browser.settle()
    expect(follower.status).toBe('open')

    follower.disconnect()
    await browser.settle()
    expect(leader.status).toBe('closed')
    expect(follower.status).toBe('closed')
  })
})
