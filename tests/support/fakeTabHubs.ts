import { createPinia } from 'pinia'
import type { Pinia } from 'pinia'
import { vi } from 'vitest'
import { ref } from 'vue'
import type { Ref } from 'vue'
import { createSseHub } from '../../src/hub'
import type { SseHub } from '../../src/hub'
import type { SseHubOptions } from '../../src/options'
import type { SseMessage } from '../../src/core/protocol'
import { createFakeBrowser } from './fakeTabs'
import type { FakeBrowser, FakeTab } from './fakeTabs'
import { createFakeSseServer } from './fakeSseServer'
import type { FakeSseServer, FakeSseServerOptions } from './fakeSseServer'

// Whole hubs, each in a tab of one fake browser, against one fake SSE server: what an app does in
// several tabs, with every stream request known by its tab and user.

/** One tab of the app: its hub, its store and what its listeners got. */
export interface HubTab {
  readonly id: number
  readonly fake: FakeTab
  readonly pinia: Pinia
  readonly hub: SseHub
  /** What the app's `'*'` listener got, in order. */
  readonly heard: SseMessage[]
  /** The login source the hub watches (a token, or `loggedIn` for cookie logins). */
  readonly login: Ref<string | null> | Ref<boolean>
  /** Errors reported to `onError`. */
  readonly errors: Array<{ kind: string; message: string }>
  /** Runs `action` with this tab's page globals (Web Locks, BroadcastChannel) in place. */
  act(action: () => void): void
  /** The tab closes: its hub goes (releasing its locks) and its page is gone. */
  close(): void
  /** The tab's renderer dies: no goodbye, locks released by the browser. */
  crash(): void
  readonly closed: boolean
}

export interface TabbedApp {
  readonly browser: FakeBrowser
  readonly server: FakeSseServer
  readonly tabs: HubTab[]
  /** Opens a tab of the app, signed in as `login` (a token, or true for the cookie) or signed out. */
  openTab(login: string | boolean | null): HubTab
  /** Lets channel messages, lock grants, stream reads and retries run until nothing moves. */
  settle(): Promise<void>
  /** Closes every hub. */
  dispose(): void
}

export interface TabbedAppOptions {
  /** Cookie logins (`loggedIn`) instead of tokens. */
  cookie: boolean
  /** How the server knows the user; by default the Bearer token is the user name. */
  userOf?: FakeSseServerOptions['userOf']
  replay?: FakeSseServerOptions['replay']
  idOf?: FakeSseServerOptions['idOf']
  coalesce?: FakeSseServerOptions['coalesce']
  /** Extra hub options. */
  hub?: Partial<SseHubOptions>
}

export function createTabbedApp(options: TabbedAppOptions): TabbedApp {
  const browser = createFakeBrowser()
  const server = createFakeSseServer({
    userOf: options.userOf ?? ((headers) => headers.Authorization?.replace(/^Bearer /, '') ?? null),
    replay: options.replay,
    idOf: options.idOf,
    coalesce: options.coalesce,
  })
  const tabs: HubTab[] = []

  function openTab(initial: string | boolean | null): HubTab {
    const fake = browser.openTab()
    const pinia = createPinia()
    const heard: SseMessage[] = []
    const errors: Array<{ kind: string; message: string }> = []
    const login = options.cookie ? ref(initial === true) : ref(typeof initial === 'string' ? initial : null)
    const act = (action: () => void): void => {
      // The hub reads the page's Web Locks and BroadcastChannel when a login starts sharing.
      vi.stubGlobal('navigator', { locks: fake.locks })
      vi.stubGlobal('BroadcastChannel', fake.BroadcastChannel)
      action()
    }
    let hub!: SseHub
    act(() => {
      hub = createSseHub(
        {
          url: 'http://127.0.0.1:9/api/sse',
          notify: false,
          reconnect: { initialDelay: 5, maxDelay: 20, jitter: 0 },
          heartbeatTimeout: 0,
          ...(options.cookie ? { loggedIn: login as Ref<boolean> } : { token: login as Ref<string | null> }),
          environment: { fetch: server.fetchFor(fake.id), locks: fake.locks, BroadcastChannel: fake.BroadcastChannel },
          onError: (error) => errors.push({ kind: error.kind, message: error.message }),
          ...options.hub,
        },
        { pinia },
      )
    })
    hub.on('*', (_data, message) => {
      heard.push(message)
    })
    let closed = false
    const tab: HubTab = {
      id: fake.id,
      fake,
      pinia,
      hub,
      heard,
      login,
      errors,
      act,
      close() {
        if (closed) return
        closed = true
        hub.dispose()
        fake.crash()
      },
      crash() {
        if (closed) return
        closed = true
        fake.crash()
        hub.dispose()
      },
      get closed() {
        return closed
      },
    }
    tabs.push(tab)
    return tab
  }

  async function settle(): Promise<void> {
    // Stream reads, backoff timers (a few ms) and channel deliveries feed each other: go round until
    // a quiet spell.
    for (let round = 0; round < 3; round++) {
      await browser.settle()
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    await browser.settle()
  }

  return {
    browser,
    server,
    tabs,
    openTab,
    settle,
    dispose() {
      for (const tab of tabs) if (!tab.closed) tab.hub.dispose()
    },
  }
}

/** Titles of a tab's stored alarms, oldest first. */
export function alarmTitlesOf(tab: HubTab): string[] {
  return tab.hub.store!.alarms.map((alarm) => alarm.title).reverse()
}
