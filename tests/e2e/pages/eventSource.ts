import { createPinia } from 'pinia'
import { createApp, h, ref } from 'vue'
import type { App } from 'vue'
import { ssePlugin, useSseStore } from '../../../src/index'
import type { SseError, SseStore } from '../../../src/index'

// A bare app on the eventsource transport, driven by tests/e2e/eventSource.test.ts through
// `window.__es`. The hub uses the browser's own EventSource (the global, not a test double); the
// global is only wrapped by a subclass that keeps each instance, so the test can read its URL,
// `withCredentials` and `readyState`.

/** What the test chooses per page. */
export interface PageSetup {
  /** Stream URL; the playground's by default. */
  url?: string
  /** Log in with a cookie (`loggedIn`) instead of a token. */
  cookie?: boolean
  withCredentials?: boolean
  /** Base of the backoff, in ms. */
  initialDelay?: number
  /** One stream for all tabs (the library's default); off unless asked. */
  share?: boolean
  /** `reconnect.maxAttempts`. */
  maxAttempts?: number
}

export interface PageView {
  status: string
  attempt: number
  lastEventId: string
  error: { kind: string; status?: number } | null
  received: number
  reconnects: number
  /** Alarm titles, oldest first. */
  alarms: string[]
  /** Every error reported to `onError`, in order. */
  errors: Array<{ kind: string; status?: number; at: number }>
  /** Every EventSource the page created, in order. */
  sources: Array<{ url: string; withCredentials: boolean; readyState: number; at: number }>
}

const created: Array<{ source: EventSource; at: number }> = []
const Native = window.EventSource
class RecordedEventSource extends Native {
  constructor(url: string | URL, init?: EventSourceInit) {
    super(url, init)
    created.push({ source: this, at: Date.now() })
  }
}
window.EventSource = RecordedEventSource

const token = ref<string | null>(null)
const loggedIn = ref(false)
const errors: PageView['errors'] = []
let app: App | undefined
let store: SseStore | undefined

const api = {
  start(setup: PageSetup = {}): void {
    app = createApp({ render: () => h('main', 'eventsource') })
    const pinia = createPinia()
    app.use(pinia)
    app.use(ssePlugin, {
      url: setup.url ?? '/api/sse',
      transport: 'eventsource',
      ...(setup.cookie ? { loggedIn } : { token }),
      withCredentials: setup.withCredentials === true,
      share: setup.share === true,
      notify: false,
      reconnect: { initialDelay: setup.initialDelay ?? 300, ...(setup.maxAttempts === undefined ? {} : { maxAttempts: setup.maxAttempts }) },
      onError: (error: SseError) => errors.push({ kind: error.kind, status: error.status, at: Date.now() }),
    })
    app.mount('#app')
    store = useSseStore(pinia)
  },
  login(value: string): void {
    token.value = value
  },
  setLoggedIn(value: boolean): void {
    loggedIn.value = value
  },
  logout(): void {
    token.value = null
    loggedIn.value = false
  },
  view(): PageView {
    if (!store) throw new Error('start() first')
    const { connection, stats } = store
    return {
      status: connection.status,
      attempt: connection.attempt,
      lastEventId: connection.lastEventId,
      error: connection.error ? { kind: connection.error.kind, status: connection.error.status } : null,
      received: stats.received,
      reconnects: stats.reconnects,
      alarms: store.alarms.map((alarm) => String(alarm.title)).reverse(),
      errors: errors.slice(),
      sources: created.map(({ source, at }) => ({ url: source.url, withCredentials: source.withCredentials, readyState: source.readyState, at })),
    }
  },
}

declare global {
  interface Window {
    __es: typeof api
  }
}
window.__es = api
