import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startPlayground } from '../support/browser'
import type { Playground } from '../support/browser'
import { launchChromium } from '../support/chromium'
import {
  alarmTitles,
  focus,
  focusedTabsReported,
  hubState,
  listenToChannel,
  openSignedIn,
  recordRoles,
  recordStreamRequests,
  relayedIds,
  rolesRecorded,
  roleShown,
  shareChannelName,
  signIn,
  statusTag,
  unreadCount,
  useRealFocus,
  waitForShown,
  waitForStatus,
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
  ;[browser, playground] = await Promise.all([launchChromium(), startPlayground()])
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
/** Event id of each alarm sent, by title. */
const alarmIds = new Map<string, string>()

/** Sends an alarm with a title of its own to `user`; returns the title. */
function sendAlarm(user: string): string {
  const title = `压力告警 T${++alarmSeq}`
  const id = playground.backend.send(user, '4', {
    alarmId: `tabs-${alarmSeq}`,
    level: 'warning',
    title,
    content: '监测点 P-7 压力超出上限',
    time: new Date().toISOString(),
  })
  alarmIds.set(title, id)
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

/** Three tabs of one user: the first signs in (and leads), the other two open signed in and follow. */
async function threeTabsOf(user: string): Promise<[Tab, Tab, Tab]> {
  const [a, b, c] = [await newTab(), await newTab(), await newTab()]
  await signIn(a.page, playground.url, user)
  // Same origin, same localStorage: the other tabs are signed in already.
  await openSignedIn(b.page, playground.url, 'follower')
  await openSignedIn(c.page, playground.url, 'follower')
  return [a, b, c]
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

  test('the leader closes, then crashes: another tab leads at once from the last id, every alarm once', async () => {
    const { backend } = playground
    const user = nextUser()
    const [a, b, c] = await threeTabsOf(user)
    const channel = await shareChannelName(a.page, playground.url)
    for (const { page } of [b, c]) await listenToChannel(page, channel)
    const sent = [await alarmEverywhere(user, [a, b, c])]

    /** Takes `leader` away; the other tabs must elect one of them and resume right after `lastId`. */
    async function loseLeader(leader: Tab, rest: Tab[], how: 'close' | 'crash'): Promise<Tab> {
      const lastId = backend.lastId
      const before = streamsOf(user).length
      if (how === 'close') {
        await leader.page.close()
      } else {
        // The renderer dies: no pagehide, no goodbye; only the released locks tell the others.
        const crashed = new Promise<void>((resolve) => leader.page.once('crash', () => resolve()))
        const session = await context.newCDPSession(leader.page)
        void session.send('Page.crash').catch(() => undefined)
        await crashed
      }
      const gone = Date.now()
      // Sent during the hand-over: they must come through the new stream's replay or live, once.
      const handover = [sendAlarm(user), sendAlarm(user), sendAlarm(user)]
      sent.push(...handover)

      await backend.waitFor(() => streamsOf(user).length > before, RETRY_MS + 2000, 'another tab to open the stream')
      const taking = streamsOf(user)
      expect(taking).toHaveLength(before + 1)
      const resumeFrom = taking[before].lastEventId ?? ''
      // Resumes from the last id the tabs had. A crashed tab relays nothing more, so that is the id
      // before the crash. A closed one may: Chromium lets a closing tab run a moment after page.close()
      // resolves (its locks already released), and the new leader resumes from whichever of its last
      // relays it had by then; any it gets later are the replay's duplicates, dropped by id.
      const heard = await relayedIds(rest[0].page)
      const lostLeader = heard.find((relay) => relay.id === lastId)?.from
      expect(lostLeader).toBeDefined()
      const handoverIds = handover.map((title) => alarmIds.get(title))
      const relayedLate = heard.filter((relay) => relay.from === lostLeader && handoverIds.includes(relay.id)).map((relay) => relay.id)
      if (how === 'crash') expect(relayedLate).toEqual([])
      expect([lastId, ...relayedLate]).toContain(resumeFrom)
      expect(taking[before].time - gone).toBeLessThanOrEqual(RETRY_MS + 2000)
      await backend.waitFor(() => backend.connectionsOf(user) === 1, 2000, 'exactly one stream again')

      const roles = await Promise.all(rest.map((tab) => roleShown(tab.page)))
      expect(roles.filter((role) => role === 'leader')).toHaveLength(1)
      expect(roles.filter((role) => role === 'follower')).toHaveLength(rest.length - 1)
      const next = rest[roles.indexOf('leader')]
      expect(next.streams).toHaveLength(1)
      for (const { page } of rest) {
        await expect.poll(async () => (await alarmTitles(page)).length).toBe(sent.length)
        await expect.poll(() => statusTag(page).getAttribute('data-status')).toBe('open')
      }
      return next
    }

    const second = await loseLeader(a, [b, c], 'close')
    const third = await loseLeader(second, [b, c].filter((tab) => tab !== second), 'crash')
    await second.page.close()

    // A moment later (replay and live delivery both done) each alarm is still there exactly once.
    sent.push(await alarmEverywhere(user, [third]))
    const titles = await alarmTitles(third.page)
    expect([...titles].sort()).toEqual([...sent].sort())
    expect(await unreadCount(third.page)).toBe(sent.length)
    expect(await third.page.locator('[data-test=connection-last-event-id]').textContent()).toBe(backend.lastId)
    expect(streamsOf(user)).toHaveLength(3)
    expect(backend.connectionsOf(user)).toBe(1)
  })

  test('a tab opened later shows the unread alarms and the running calc from the leader, without a stream of its own', async () => {
    const { backend } = playground
    const user = nextUser()
    const a = await newTab()
    await signIn(a.page, playground.url, user)
    const first = await alarmEverywhere(user, [a])
    const second = await alarmEverywhere(user, [a])
    backend.send(user, '5-0', { calcId: 'dyn-late', calcName: '动态计算 late' })
    backend.send(user, '5-2', { calcId: 'dyn-late', calcName: '动态计算 late', progress: 40 })
    const dyn = (page: Page) => page.locator('[data-test=calc-dyn]')
    await expect.poll(() => dyn(a.page).locator('[data-test=calc-progress]').getAttribute('data-progress')).toBe('40')

    const late = await newTab()
    await openSignedIn(late.page, playground.url, 'follower')
    // Shown at once from the snapshot: the follower has no stream that could replay anything.
    await expect.poll(() => alarmTitles(late.page)).toEqual([second, first])
    expect(await unreadCount(late.page)).toBe(2)
    expect(await dyn(late.page).getAttribute('data-status')).toBe('running')
    expect(await dyn(late.page).locator('[data-test=calc-progress]').getAttribute('data-progress')).toBe('40')
    expect(await dyn(late.page).locator('.calc__label').textContent()).toBe('动态计算 late')
    expect(late.streams).toHaveLength(0)
    expect(streamsOf(user)).toHaveLength(1)

    // And it goes on from there, in both tabs alike.
    backend.send(user, '5-2', { calcId: 'dyn-late', calcName: '动态计算 late', progress: 70 })
    backend.send(user, '5-1', { calcId: 'dyn-late', calcName: '动态计算 late', status: 1, message: '计算完成' })
    const third = await alarmEverywhere(user, [a, late])
    for (const { page } of [a, late]) {
      await expect.poll(() => dyn(page).getAttribute('data-status')).toBe('succeeded')
      expect(await alarmTitles(page)).toEqual([third, second, first])
      expect(await unreadCount(page)).toBe(3)
    }
    expect(backend.connectionsOf(user)).toBe(1)
  })

  test('an alarm acknowledged in one tab is read in every tab, whichever tab the user clicks in', async () => {
    const user = nextUser()
    const [a, b] = [await newTab(), await newTab()]
    await signIn(a.page, playground.url, user)
    await openSignedIn(b.page, playground.url, 'follower')
    const first = await alarmEverywhere(user, [a, b])
    const second = await alarmEverywhere(user, [a, b])
    for (const { page } of [a, b]) await expect.poll(() => unreadCount(page)).toBe(2)
    const ackButton = (page: Page, title: string) =>
      page.locator('.el-table__row', { hasText: title }).locator('[data-test=alarm-ack]')

    // Acknowledged in the follower: the leader's badge drops too.
    await b.page.bringToFront()
    await ackButton(b.page, first).click()
    for (const { page } of [a, b]) await expect.poll(() => unreadCount(page)).toBe(1)
    expect(await ackButton(a.page, first).count()).toBe(0)
    expect(await ackButton(a.page, second).count()).toBe(1)

    // "Acknowledge all" in the leader: the follower's badge drops to zero.
    await a.page.bringToFront()
    await a.page.locator('[data-test=alarm-ack-all]').click()
    for (const { page } of [a, b]) await expect.poll(() => unreadCount(page)).toBe(0)

    // A tab opened afterwards shows them read, and a new alarm unread in all three.
    const c = await newTab()
    await openSignedIn(c.page, playground.url, 'follower')
    await expect.poll(() => alarmTitles(c.page)).toEqual([second, first])
    expect(await unreadCount(c.page)).toBe(0)
    await alarmEverywhere(user, [a, b, c])
    for (const { page } of [a, b, c]) await expect.poll(() => unreadCount(page)).toBe(1)
  })

  test('logout in one tab closes the stream and signs every tab out for good; signing in again gives one stream', async () => {
    const { backend } = playground
    const user = nextUser()
    const [a, b, c] = await threeTabsOf(user)
    await alarmEverywhere(user, [a, b, c])

    // Logout from a follower: the leader, in another tab, must close the stream.
    await b.page.bringToFront()
    await b.page.locator('[data-test=logout]').click()
    await backend.waitFor(() => backend.openConnections === 0, 1000, 'the stream to close after logout')
    for (const { page } of [a, b, c]) {
      await waitForShown(page, '[data-test=login-submit]')
      await expect.poll(async () => (await hubState(page)).status).toBe('closed')
    }
    // Nobody reconnects: a first reconnect would come within the server's retry delay.
    const requests = backend.requests.length
    const own = [a, b, c].map((tab) => tab.streams.length)
    await a.page.waitForTimeout(RETRY_MS + 500)
    expect(backend.requests.length).toBe(requests)
    expect([a, b, c].map((tab) => tab.streams.length)).toEqual(own)
    expect(backend.openConnections).toBe(0)
    for (const { page } of [a, b, c]) expect((await hubState(page)).status).toBe('closed')

    // Signing in again in one tab signs them all in, on one new stream. (C reloads to sign in.)
    for (const { page } of [a, b]) await recordRoles(page)
    await signIn(c.page, playground.url, user)
    for (const { page } of [a, b]) await waitForStatus(page, 'open')
    const roles = await Promise.all([a, b, c].map((tab) => roleShown(tab.page)))
    expect([...roles].sort()).toEqual(['follower', 'follower', 'leader'])
    // The former leader shows nothing of its old role while the new election runs: a tab that
    // follows never showed 'leader' (an undecided tab shows 'follower': it holds no stream).
    for (const { page } of [a, b]) {
      const shown = await rolesRecorded(page)
      expect(shown[shown.length - 1]).toBe(await roleShown(page))
      expect(shown.slice(0, -1)).not.toContain('leader')
    }
    expect(backend.requests.length).toBe(requests + 1)
    expect(backend.connectionsOf(user)).toBe(1)
    for (const { page } of [a, b, c]) expect(await alarmTitles(page)).toEqual([])
    const after = await alarmEverywhere(user, [a, b, c])
    for (const { page } of [a, b, c]) expect(await alarmTitles(page)).toEqual([after])
  })

  test('two users in one browser never share: two streams, each tab sees only its own messages', async () => {
    const { backend } = playground
    const [alice, bob] = [nextUser(), nextUser()]
    const [a, b] = [await newTab(), await newTab()]
    // `auth=session` keeps a tab's login to itself (sessionStorage), as a second account would.
    await signIn(a.page, playground.url, alice)
    await signIn(b.page, playground.url, bob, '?auth=session')
    expect(await Promise.all([a, b].map((tab) => roleShown(tab.page)))).toEqual(['leader', 'leader'])
    expect([backend.connectionsOf(alice), backend.connectionsOf(bob)]).toEqual([1, 1])
    expect([a.streams.length, b.streams.length]).toEqual([1, 1])

    const forAlice = await alarmEverywhere(alice, [a])
    const forBob = await alarmEverywhere(bob, [b])
    // A third tab of alice's (shared login) joins her group, not bob's.
    const c = await newTab()
    await openSignedIn(c.page, playground.url, 'follower')
    const again = await alarmEverywhere(alice, [a, c])
    expect(await alarmTitles(a.page)).toEqual([again, forAlice])
    expect(await alarmTitles(c.page)).toEqual([again, forAlice])
    expect(await alarmTitles(b.page)).toEqual([forBob])
    expect(await b.page.locator('[data-test=current-user]').textContent()).toBe(bob)
    expect([backend.connectionsOf(alice), backend.connectionsOf(bob)]).toEqual([1, 1])
    expect(backend.openConnections).toBe(2)
    expect(c.streams).toHaveLength(0)
  })

  test('with share=0 every tab holds its own stream', async () => {
    const { backend } = playground
    const user = nextUser()
    const [a, b] = [await newTab(), await newTab()]
    await signIn(a.page, playground.url, user, '?share=0')
    await openSignedIn(b.page, playground.url, 'solo', '?share=0')
    expect(await roleShown(a.page)).toBe('solo')
    expect(backend.connectionsOf(user)).toBe(2)
    expect(streamsOf(user)).toHaveLength(2)
    expect([a.streams.length, b.streams.length]).toEqual([1, 1])
    const title = await alarmEverywhere(user, [a, b])
    // No tab knows of the other: each pops its own.
    expect(await popupCounts([a, b], title)).toEqual([1, 1])
  })
})
