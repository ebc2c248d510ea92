// @vitest-environment node
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import { createSseHub } from '../../src/hub'
import type { SseHub } from '../../src/hub'
import { createFakeFetch } from '../support/fakeFetch'
import type { FakeFetch } from '../support/fakeFetch'
import { createFakeBrowser } from '../support/fakeTabs'
import type { FakeTab } from '../support/fakeTabs'

// Tab sharing is loaded on demand (an app with share: false never downloads it): a login's join of
// the tab group completes after a load, and a logout or dispose in between must leave nothing behind.

let fake: FakeFetch
let hubs: SseHub[] = []

beforeEach(() => {
  fake = createFakeFetch()
  vi.stubGlobal('fetch', fake.fetch)
})

afterEach(() => {
  for (const hub of hubs) hub.dispose()
  hubs = []
  vi.unstubAllGlobals()
})

function hubInTab(tab: FakeTab, token: ReturnType<typeof ref<string | null>>): SseHub {
  vi.stubGlobal('navigator', { locks: tab.locks })
  vi.stubGlobal('BroadcastChannel', tab.BroadcastChannel)
  const hub = createSseHub(
    { url: 'http://127.0.0.1:9/api/sse', token, notify: false, reconnect: { initialDelay: 10, maxDelay: 10, jitter: 0 } },
    { pinia: createPinia() },
  )
  hubs.push(hub)
  return hub
}

const settleLoads = async (browser: ReturnType<typeof createFakeBrowser>): Promise<void> => {
  for (let round = 0; round < 5; round++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    await browser.settle()
  }
}

describe('joining the tab group after tab sharing loads', () => {
  it('a logout while it loads: no lock, no stream; the next login leads and connects once', async () => {
    const browser = createFakeBrowser()
    const token = ref<string | null>('alice')
    const first = hubInTab(browser.openTab(), token)
    expect(first.role).toBe('follower') // waiting for the election, holding no stream
    token.value = null
    await settleLoads(browser)
    expect(fake.calls).toHaveLength(0)

    // Another tab of the same user is not kept out by a lock the logged-out tab took.
    const second = hubInTab(browser.openTab(), ref<string | null>('alice'))
    await settleLoads(browser)
    await vi.waitFor(() => expect(second.role).toBe('leader'))
    expect(fake.calls).toHaveLength(1)
    expect(first.role).not.toBe('leader')
  })

  it('dispose while it loads: nothing joins afterwards', async () => {
    const browser = createFakeBrowser()
    const hub = hubInTab(browser.openTab(), ref<string | null>('alice'))
    hub.dispose()
    await settleLoads(browser)
    expect(fake.calls).toHaveLength(0)
    expect(hub.role).not.toBe('leader')
  })
})
