import { createPinia } from 'pinia'
import { createApp, h, ref } from 'vue'
import type { App } from 'vue'
import { ssePlugin, useSseStore } from '../../../src/index'
import type { SseError, SseStore } from '../../../src/index'

// A bare app sharing one stream between tabs (`share: true`, the fetch transport), driven by
// tests/e2e/sharedDelivery.test.ts through `window.__tabs`. It signs in as the playground's users
// do: a session cookie (`loggedIn`) or a token. Like a real app, it follows the session when another
// tab changes it (a storage event): it signs out, and in again as whoever the session is now.

export interface TabSetup {
  /** Cookie login (`loggedIn`) instead of a token. */
  cookie: boolean
}

export interface HeardMessage {
  type: string
  id: string
  title: string
}

export interface TabView {
  status: string
  role: string
  lastEventId: string
  /** Who this tab's app thinks is signed in. */
  user: string | null
  /** Alarm titles, oldest first. */
  alarms: string[]
  /** What the app's `'*'` listener got since this tab last signed in, in order. */
  heard: HeardMessage[]
  received: number
  errors: Array<{ kind: string; message: string }>
}

const SESSION_KEY = 'e2e-tabs.session'
const token = ref<string | null>(null)
const loggedIn = ref(false)
let user: string | null = null
let heard: HeardMessage[] = []
const errors: TabView['errors'] = []
let app: App | undefined
let store: SseStore | undefined
let setup: TabSetup = { cookie: true }

interface Session {
  user: string
  token: string
}

function readSession(): Session | null {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null
  } catch {
    return null
  }
}

/** This tab's app signs in with `session` (or out, with null). */
function apply(session: Session | null): void {
  user = session?.user ?? null
  heard = []
  if (setup.cookie) {
    loggedIn.value = false
    loggedIn.value = session !== null
  } else {
    token.value = null
    token.value = session?.token ?? null
  }
}

const api = {
  start(options: TabSetup): void {
    setup = options
    app = createApp({ render: () => h('main', 'tabs') })
    const pinia = createPinia()
    app.use(pinia)
    app.use(ssePlugin, {
      url: '/api/sse',
      ...(setup.cookie ? { loggedIn } : { token }),
      notify: false,
      reconnect: { initialDelay: 200, maxDelay: 1000 },
      onError: (error: SseError) => errors.push({ kind: error.kind, message: error.message }),
    })
    app.mount('#app')
    store = useSseStore(pinia)
    app.config.globalProperties.$sse.on('*', (data: unknown, message: { type: string; id: string }) => {
      heard.push({ type: message.type, id: message.id, title: String((data as { title?: unknown } | null)?.title ?? '') })
    })
    // Signed in already (another tab signed in): this tab is too.
    apply(readSession())
    window.addEventListener('storage', (event) => {
      if (event.key === SESSION_KEY) apply(readSession())
    })
  },
  /** Signs out, then in as `name`: a login request sets the session cookie and gives a token. */
  async signIn(name: string): Promise<void> {
    if (user !== null) await api.signOut()
    await api.switchTo(name)
  },
  /**
   * "Switch account": the login request for `name` replaces the session cookie, then the app signs
   * out and in again in one step (`loggedIn` false, then true).
   */
  async switchTo(name: string): Promise<void> {
    const response = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: name }),
    })
    const { token: issued } = (await response.json()) as { token: string }
    const session = { user: name, token: issued }
    localStorage.setItem(SESSION_KEY, JSON.stringify(session))
    apply(session)
  },
  async signOut(): Promise<void> {
    const previous = readSession()
    localStorage.removeItem(SESSION_KEY)
    apply(null)
    await fetch('/api/logout', { method: 'POST', headers: previous ? { Authorization: `Bearer ${previous.token}` } : {} })
  },
  view(): TabView {
    if (!store || !app) throw new Error('start() first')
    const { connection, stats } = store
    return {
      status: connection.status,
      role: connection.role,
      lastEventId: connection.lastEventId,
      user,
      alarms: store.alarms.map((alarm) => alarm.title).reverse(),
      heard: heard.slice(),
      received: stats.received,
      errors: errors.slice(),
    }
  },
}

declare global {
  interface Window {
    __tabs: typeof api
  }
}
window.__tabs = api
