import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startPlayground } from '../support/browser'
import type { Playground } from '../support/browser'
import { launchChromium } from '../support/chromium'
import type { TabView } from './pages/tabs'

// Event ids outside ASCII in real Chromium: the browser's own EventSource, reconnecting by itself,
// is the reference; the fetch transport must send the same bytes in Last-Event-ID.

let browser: Browser
let playground: Playground
let context: BrowserContext

beforeAll(async () => {
  ;[browser, playground] = await Promise.all([launchChromium(), startPlayground()])
})

afterAll(async () => {
  await Promise.allSettled([browser?.close(), playground?.close()])
})

beforeEach(async () => {
  context = await browser.newContext()
})

afterEach(async () => {
  await context.close()
  await playground.backend.waitFor(() => playground.backend.openConnections === 0, 5000, 'streams to close')
  playground.backend.reset()
})

/** Bytes of the Last-Event-ID of each stream request of `user` (Node keeps header bytes as latin1). */
function sentIds(user: string): number[][] {
  return playground.backend.requests
    .filter((r) => r.user === user && r.lastEventId !== null)
    .map((r) => [...Buffer.from(r.lastEventId!, 'latin1')])
}

describe('event ids outside ASCII', () => {
  test("the fetch transport sends them as Chromium's own EventSource does: UTF-8 bytes", async () => {
    const { backend } = playground
    const [native, ours] = ['native-1', 'ours-1']
    const nativeToken = backend.tokens.issue(native)

    // A context of its own: the other page's login sets a session cookie, which the server would
    // take before the token parameter.
    const referenceContext = await browser.newContext()
    const reference: Page = await referenceContext.newPage()
    await reference.goto(`${playground.url}/tests/e2e/pages/tabs.html`)
    await reference.evaluate((token) => {
      const ids: string[] = []
      ;(window as unknown as { __ids: string[] }).__ids = ids
      // Its own reconnection on: the browser sends Last-Event-ID itself.
      new EventSource(`/api/sse?token=${token}`).onmessage = (event) => ids.push(event.lastEventId)
    }, nativeToken)
    const page: Page = await context.newPage()
    await page.goto(`${playground.url}/tests/e2e/pages/tabs.html`)
    await page.waitForFunction(() => typeof window.__tabs === 'object')
    await page.evaluate(() => window.__tabs.start({ cookie: false }))
    await page.evaluate((u) => window.__tabs.signIn(u), ours)
    await backend.waitFor(() => backend.connectionsOf(native) === 1 && backend.connectionsOf(ours) === 1, 5000, 'both streams')

    for (const [n, id] of ['é', '告警-1001'].entries()) {
      for (const user of [native, ours]) backend.sendRaw(`id: ${id}\ndata: {"messageType":"4","messageData":{"title":"${id}"}}\n\n`, user)
      await page.waitForFunction((title) => window.__tabs.view().alarms.includes(title), id)
      await reference.waitForFunction((count) => (window as unknown as { __ids: string[] }).__ids.length === count, n + 1)
      backend.fault({ kind: 'drop' })
      await backend.waitFor(() => sentIds(native).length === n + 1 && sentIds(ours).length === n + 1, 10_000, 'both to reconnect')
      await backend.waitFor(() => backend.connectionsOf(native) === 1 && backend.connectionsOf(ours) === 1, 5000, 'both streams back')
    }
    const utf8 = (text: string): number[] => [...Buffer.from(text, 'utf8')]
    expect(sentIds(native)).toEqual([utf8('é'), utf8('告警-1001')])
    expect(sentIds(ours)).toEqual(sentIds(native))
    await referenceContext.close()
    const shown: TabView = await page.evaluate(() => window.__tabs.view())
    expect(shown).toMatchObject({ status: 'open', lastEventId: '告警-1001', alarms: ['é', '告警-1001'] })
    expect(shown.errors.map((e) => e.kind)).toEqual(['network', 'network'])
  })
})
