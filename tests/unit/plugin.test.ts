import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h, inject, nextTick, ref } from 'vue'
import type { App, Component } from 'vue'
import { useSse } from '../../src/composables/useSse'
import { getActiveHub, setActiveHub, useSseHub } from '../../src/composables/useSseHub'
import type { SseError } from '../../src/core/errors'
import type { SseHub } from '../../src/hub'
import { sseHubKey } from '../../src/keys'
import type { SseHubOptions } from '../../src/options'
import { ssePlugin } from '../../src/plugin'
import { useSseStore } from '../../src/store/useSseStore'
import { createFakeFetch } from '../support/fakeFetch'
import type { FakeFetch } from '../support/fakeFetch'
import { closeEverything, flush, popups, waitUntilGone } from './notifyDom'

// The plugin as an app installs it: a real Vue app mounted in the document, the scripted fetch in place
// of the network.

let fake: FakeFetch
let apps: Array<{ app: App; root: HTMLElement; mounted: boolean }> = []

beforeEach(() => {
  fake = createFakeFetch()
  vi.stubGlobal('fetch', fake.fetch)
})

afterEach(async () => {
  for (const entry of apps) if (entry.mounted) entry.app.unmount()
  for (const entry of apps) entry.root.remove()
  apps = []
  setActiveHub(undefined)
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  await closeEverything()
})

const fast = { initialDelay: 20, maxDelay: 20, jitter: 0 }

function options(extra: Partial<SseHubOptions> = {}): SseHubOptions {
  return { url: '/api/sse', share: false, notify: false, reconnect: fast, ...extra }
}

/** Creates an app whose root renders `component`; `mount()` attaches it to the document. */
function makeApp(component: Component): { app: App; mount: () => void } {
  const app = createApp(component)
  const root = document.createElement('div')
  document.body.appendChild(root)
  const entry = { app, root, mounted: false }
  apps.push(entry)
  return {
    app,
    mount: () => {
      app.mount(root)
      entry.mounted = true
    },
  }
}

function unmount(app: App): void {
  const entry = apps.find((e) => e.app === app)!
  entry.app.unmount()
  entry.mounted = false
}

const textOf = (selector: string): string => document.body.querySelector(selector)?.textContent ?? ''

/** Shows the status through `useSse()` and the alarm count through the store. */
const StatusView = defineComponent({
  setup() {
    const { status } = useSse()
    const store = useSseStore()
    return () => [h('p', { class: 'status' }, status.value), h('p', { class: 'alarms' }, String(store.alarms.length))]
  },
})

function alarmEvent(id: number, alarmId: string): string {
  return `id: ${id}\ndata: ${JSON.stringify({ messageType: '4', messageData: { alarmId, level: 'warning', title: `Alarm ${alarmId}` } })}\n\n`
}

describe('install', () => {
  it('provides the hub to components, as $sse, and useSse().status renders', async () => {
    const token = ref<string | null>(null)
    let injected: SseHub | undefined
    let used: SseHub | undefined
    const Options = defineComponent({
      render() {
        return h('p', { class: 'options-api' }, this.$sse.status)
      },
    })
    const Root = defineComponent({
      setup() {
        injected = inject(sseHubKey)
        used = useSseHub()
        return () => [h(StatusView), h(Options)]
      },
    })
    const { app, mount } = makeApp(Root)
    app.use(createPinia()).use(ssePlugin, options({ token }))
    mount()

    expect(injected).toBeDefined()
    expect(used).toBe(injected)
    expect(app.config.globalProperties.$sse).toBe(injected)
    expect(getActiveHub()).toBe(injected)
    expect(textOf('.status')).toBe('idle')
    expect(textOf('.options-api')).toBe('idle')
    expect(fake.calls).toHaveLength(0)

    token.value = 'secret-1'
    await vi.waitFor(() => expect(textOf('.status')).toBe('open'))
    expect(fake.calls).toHaveLength(1)
    expect(fake.last!.url).toBe('/api/sse')
    expect(fake.last!.headers.Authorization).toBe('Bearer secret-1')
    expect(injected!.status).toBe('open')

    fake.last!.push(alarmEvent(1, 'a1'))
    await vi.waitFor(() => expect(textOf('.alarms')).toBe('1'))
  })

  it('already logged in: connects at install; Pinia installed after the plugin still gets the state', async () => {
    const { app, mount } = makeApp(StatusView)
    app.use(ssePlugin, options({ token: 'at-install' }))
    // The request starts before Pinia exists.
    expect(fake.calls).toHaveLength(1)
    expect(fake.last!.headers.Authorization).toBe('Bearer at-install')
    const pinia = createPinia()
    app.use(pinia)
    mount()

    await vi.waitFor(() => expect(textOf('.status')).toBe('open'))
    fake.last!.push(alarmEvent(1, 'late-pinia'))
    await vi.waitFor(() => expect(textOf('.alarms')).toBe('1'))
    expect(useSseStore(pinia).alarms[0].id).toBe('late-pinia')
    expect(fake.calls).toHaveLength(1)
  })

  it('Pinia installed after the plugin: another Pinia active at install time is not fed instead', async () => {
    // E.g. a second app on the page, or a previous app in the same module scope.
    const other = createPinia()
    setActivePinia(other)
    const { app, mount } = makeApp(StatusView)
    app.use(ssePlugin, options({ token: 'two-apps' }))
    const own = createPinia()
    app.use(own)
    mount()

    await vi.waitFor(() => expect(textOf('.status')).toBe('open'))
    fake.last!.push(alarmEvent(1, 'mine'))
    await vi.waitFor(() => expect(textOf('.alarms')).toBe('1'))
    expect(useSseStore(own).alarms.map((a) => a.id)).toEqual(['mine'])
    expect(useSseStore(other).alarms).toEqual([])
    expect(useSseStore(other).connection.status).toBe('idle')
  })

  it('without Pinia: a console error that says how to fix it, and a config error to onError', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    const errors: SseError[] = []
    const { app, mount } = makeApp({ render: () => h('p', 'no store here') })
    app.use(ssePlugin, options({ token: null, onError: (error) => errors.push(error) }))
    mount()
    await flush()

    expect(consoleError).toHaveBeenCalledTimes(1)
    expect(String(consoleError.mock.calls[0][0])).toContain('app.use(createPinia())')
    expect(errors).toHaveLength(1)
    expect(errors[0].kind).toBe('config')
    expect(errors[0].message).toContain('app.use(createPinia())')
  })

  it('without Pinia and an onError that throws: no rejected promise is left behind', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const rejections: unknown[] = []
    const onRejection = (reason: unknown): void => {
      rejections.push(reason)
    }
    process.on('unhandledRejection', onRejection)
    try {
      const { app, mount } = makeApp({ render: () => h('p', 'no store here') })
      app.use(ssePlugin, options({ token: null, onError: () => {
        throw new Error('the app reporter broke')
      } }))
      mount()
      await flush()
      await new Promise((resolve) => setTimeout(resolve, 20))
    } finally {
      process.off('unhandledRejection', onRejection)
    }
    expect(rejections).toEqual([])
  })

  it('with Pinia installed after the plugin: no Pinia error', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    const onError = vi.fn()
    const { app, mount } = makeApp(StatusView)
    app.use(ssePlugin, options({ onError })).use(createPinia())
    mount()
    await flush()
    expect(consoleError).not.toHaveBeenCalled()
    expect(onError).not.toHaveBeenCalled()
  })
})

describe('unmount', () => {
  it('disposes: the request is aborted and nothing reconnects afterwards', async () => {
    const token = ref<string | null>('t-unmount')
    const { app, mount } = makeApp(StatusView)
    app.use(createPinia()).use(ssePlugin, options({ token }))
    mount()
    await vi.waitFor(() => expect(textOf('.status')).toBe('open'))
    const call = fake.last!
    expect(call.aborted).toBe(false)

    unmount(app)
    expect(call.aborted).toBe(true)
    expect(getActiveHub()).toBeUndefined()
    // The login source changing afterwards does nothing either.
    token.value = 't-after'
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(fake.calls).toHaveLength(1)
  })

  it('two apps on one page: unmounting one leaves the other app\'s hub for code outside components', async () => {
    const first = makeApp(StatusView)
    first.app.use(createPinia()).use(ssePlugin, options())
    first.mount()
    const firstHub = getActiveHub()
    const second = makeApp(StatusView)
    second.app.use(createPinia()).use(ssePlugin, options())
    second.mount()
    expect(getActiveHub()).not.toBe(firstHub)

    unmount(second.app)
    expect(getActiveHub()).toBe(firstHub)
    expect(useSseHub()).toBe(firstHub)
    unmount(first.app)
    expect(getActiveHub()).toBeUndefined()
  })

  it('during a retry wait: the pending reconnect never fires', async () => {
    fake.answer({ kind: 'status', status: 503 })
    const onError = vi.fn()
    const { app, mount } = makeApp(StatusView)
    app.use(createPinia()).use(ssePlugin, options({ token: 't', onError, reconnect: { initialDelay: 80, maxDelay: 80, jitter: 0 } }))
    mount()
    await vi.waitFor(() => expect(textOf('.status')).toBe('reconnecting'))
    expect(fake.calls).toHaveLength(1)

    unmount(app)
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(fake.calls).toHaveLength(1)
  })
})

describe('logout', () => {
  it('closes the popups of the user who left, aborts the stream and empties the store', async () => {
    const token = ref<string | null>('t-popups')
    const Root = defineComponent({ render: () => h(StatusView) })
    const { app, mount } = makeApp(Root)
    app.use(ElementPlus).use(createPinia()).use(ssePlugin, options({ token, notify: { locale: 'en' } }))
    mount()
    await vi.waitFor(() => expect(textOf('.status')).toBe('open'))

    const call = fake.last!
    call.push(alarmEvent(1, 'p1'))
    call.push(alarmEvent(2, 'p2'))
    await vi.waitFor(() => expect(popups()).toHaveLength(2))
    expect(popups()[0].textContent).toMatch(/Alarm p[12]/)
    expect(textOf('.alarms')).toBe('2')

    token.value = null
    await nextTick()
    expect(call.aborted).toBe(true)
    await waitUntilGone()
    expect(textOf('.alarms')).toBe('0')
    expect(textOf('.status')).toBe('closed')
    expect(fake.calls).toHaveLength(1)
  })
})

describe('popups', () => {
  it("an app's renderer sees the store as it is after its message, in the middle of a slice of the stream", async () => {
    const seen: string[] = []
    const Root = defineComponent({ render: () => h(StatusView) })
    const { app, mount } = makeApp(Root)
    const pinia = createPinia()
    const renderers = {
      '4': (message: { data: unknown }) => {
        const store = useSseStore(pinia)
        seen.push(`${(message.data as { alarmId: string }).alarmId}: ${store.stats.received} received, ${store.unreadCount} unread`)
        return { title: 'alarm' }
      },
    }
    app.use(ElementPlus).use(pinia).use(ssePlugin, options({ token: 't', notify: { locale: 'en', renderers } }))
    mount()
    await vi.waitFor(() => expect(textOf('.status')).toBe('open'))
    // The popups' code loads with the first message; what follows is decided as it comes.
    fake.last!.push(alarmEvent(1, 'a'))
    await vi.waitFor(() => expect(seen).toHaveLength(1))
    const progress = `id: 3\ndata: ${JSON.stringify({ messageType: '5-2', messageData: { calcId: 'c', progress: 5 } })}\n\n`
    fake.last!.push(alarmEvent(2, 'b') + progress + alarmEvent(4, 'c'))
    await vi.waitFor(() => expect(seen).toHaveLength(3))
    expect(seen).toEqual(['a: 1 received, 1 unread', 'b: 2 received, 2 unread', 'c: 4 received, 3 unread'])
  })
})
