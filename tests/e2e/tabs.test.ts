import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { launchBrowser, startPlayground } from '../support/browser'
import type { Playground } from '../support/browser'
import {
  alarmTitles,
  focus,
  focusedTabsReported,
  hubState,
  listenToChannel,
  openSignedIn,
  recordStreamRequests,
  roleShown,
  shareChannelName,
  signIn,
  statusTag,
  unreadCount,
  useRealFocus,
} from '../support/playgroundPage'

// Several tabs of one browser (one context: shared localStorage, Web Locks and BroadcastChannel) in
// real Chromium against the playground's mock backend: one stream per user for all of them.

/** The backend's `retry:` value, the base of every reconnect delay. */
const RETRY_MS = 1000

interface Tab {
  page: Page
  /** SSE requests this tab sent itself. */
  streams: Request[]
}

let browser: Browser
let playground: Playground
let context: BrowserContext
let pageErrors: string[]
let userSeq = 0

beforeAll(async () => {
  ;[browser, playground] = await Promise.all([launchBrowser(), startPlayground()])
  // Every stream the browser opens stays open, so the server's counts show every one of them
  // (the default policy would quietly replace a second stream of the same user).
  playground.backend.setDuplicate('allow')
})

afterAll(async () => {
  await Promise.allSettled([browser?.close(), playground?.close()])
})

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  pageErrors = []
})

afterEach(async () => {
  await context.close()
  await playground.backend.waitFor(() => playground.backend.openConnections === 0, 5000, 'streams to close')
  playground.backend.reset()
  expect(pageErrors).toEqual([])
})

const nextUser = (): string => `dispatcher-${++userSeq}`

async function newTab(): Promise<Tab> {
  const page = await context.newPage()
  page.on('pageerror', (error) => pageErrors.push(error.message))
  return { page, streams: recordStreamRequests(page) }
}

function streamsOf(user: string): Playground['backend']['requests'] {
  return playground.backend.requests.filter((request) => request.user === user)
}

let alarmSeq = 0

/** Sends an alarm with a title of its own to `user`; returns the title. */
function sendAlarm(user: string): string {
  const title = `压力告警 T${++alarmSeq}`
  playground.backend.send(user, '4', {
    alarmId: `tabs-${alarmSeq}`,
    level: 'warning',
    title,
    content: '监测点 P-7 压力超出上限',
    time: new Date().toISOString(),
  })
  return title
}

/** Sends one alarm to `user` and waits until every tab shows it in its table; returns its title. */
async function alarmEverywhere(user: string, tabs: Tab[]): Promise<string> {
  const title = sendAlarm(user)
  for (const { page } of tabs) await expect.poll(async () => (await alarmTitles(page)).includes(title)).toBe(true)
  return title
}

const popupsFor = (page: Page, title: string): Promise<number> => page.locator('.sse-notify--4', { hasText: title }).count()

async function popupCounts(tabs: Tab[], title: string): Promise<number[]> {
  return Promise.all(tabs.map(({ page }) => popupsFor(page, title)))
}

describe('one stream for all tabs of a user', () => {
  test('three tabs: one stream, truthful panels, every store updated, one popup in the focused tab or the leader', async () => {
    const { backend } = playground
    const user = nextUser()
    const [a, b, c] = [await newTab(), await newTab(), await newTab()]
    await signIn(a.page, playground.url, user)
    await listenToChannel(a.page, await shareChannelName(a.page, playground.url))
    // Same origin, same localStorage: the other tabs are signed in already.
    await openSignedIn(b.page, playground.url, 'follower')
    await openSignedIn(c.page, playground.url, 'follower')

    expect(await Promise.all([a, b, c].map((tab) => roleShown(tab.page)))).toEqual(['leader', 'follower', 'follower'])
    for (const { page } of [a, b, c]) expect(await statusTag(page).getAttribute('data-status')).toBe('open')
    expect(backend.connectionsOf(user)).toBe(1)
    expect(backend.peakConnections).toBe(1)
    expect(streamsOf(user)).toHaveLength(1)
    expect([a.streams.length, b.streams.length, c.streams.length]).toEqual([1, 0, 0])

    // The user works in another window: no tab of the app has focus, so the leader pops.
    for (const { page } of [a, b, c]) await useRealFocus(context, page)
    // Headless Chromium moves focus between windows on bringToFront; a click focuses a page without
    // taking it from the others. Pass the focus along once so that every tab has had it and lost it.
    for (const { page } of [a, b, c]) await page.bringToFront()
    const elsewhere = await context.newPage()
    await elsewhere.bringToFront()
    for (const { page } of [a, b, c]) await expect.poll(() => page.evaluate(() => document.hasFocus())).toBe(false)
    await expect.poll(() => focusedTabsReported(a.page)).toBe(0)
    const first = await alarmEverywhere(user, [a, b, c])
    expect(await popupCounts([a, b, c], first)).toEqual([1, 0, 0])

    // The user comes back to a follower tab: that one pops, and only that one.
    await focus(b.page)
    await expect.poll(() => focusedTabsReported(a.page)).toBe(1)
    const second = await alarmEverywhere(user, [a, b, c])
    expect(await popupCounts([a, b, c], second)).toEqual([0, 1, 0])
    backend.send(user, '0-0', { calcId: 'steady-tabs', calcName: '稳态计算 tabs' })
    backend.send(user, '0-1', { calcId: 'steady-tabs', calcName: '稳态计算 tabs', status: 1, message: '计算完成' })
    for (const { page } of [a, b, c]) {
      await expect.poll(() => page.locator('[data-test=calc-steady]').getAttribute('data-status')).toBe('succeeded')
    }
    expect(await Promise.all([a, b, c].map(({ page }) => page.locator('.sse-notify--0-1').count()))).toEqual([0, 1, 0])

    // Every tab's store and panel say the same, and the server still serves one stream.
    for (const { page } of [a, b, c]) {
      expect(await alarmTitles(page)).toEqual([second, first])
      expect(await unreadCount(page)).toBe(2)
      expect(await page.locator('[data-test=connection-last-event-id]').textContent()).toBe(backend.lastId)
      expect(await statusTag(page).getAttribute('data-status')).toBe('open')
    }
    expect(backend.peakConnections).toBe(1)
    expect(streamsOf(user)).toHaveLength(1)
    expect([a.streams.length, b.streams.length, c.streams.length]).toEqual([1, 0, 0])
  })
})
