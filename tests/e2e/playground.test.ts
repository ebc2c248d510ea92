import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startPlayground } from '../support/browser'
import type { Playground } from '../support/browser'
import { launchChromium } from '../support/chromium'
import { alarmTitles as titlesIn, openSignedIn, roleShown, signIn, waitForShown, waitForStatus } from '../support/playgroundPage'

// The playground as a user drives it, in real Chromium, against the mock backend Vite mounts.
// Every scenario checks the screen and what the server saw.

let browser: Browser
let playground: Playground
let context: BrowserContext
let page: Page
let pageErrors: string[]
let consoleProblems: string[]
let userSeq = 0

/** Uncaught errors, and console errors and warnings (Vue's included), of a tab; failed requests are the drills' point. */
function watchConsole(tab: Page): void {
  tab.on('pageerror', (error) => pageErrors.push(error.message))
  tab.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return
    if (/^Failed to load resource\b/.test(message.text())) return
    consoleProblems.push(`${message.type()}: ${message.text()}`)
  })
}

beforeAll(async () => {
  ;[browser, playground] = await Promise.all([launchChromium(), startPlayground()])
})

afterAll(async () => {
  await Promise.allSettled([browser?.close(), playground?.close()])
})

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  page = await context.newPage()
  pageErrors = []
  consoleProblems = []
  watchConsole(page)
})

afterEach(async () => {
  await context.close()
  // The next scenario starts from a quiet server.
  await playground.backend.waitFor(() => playground.backend.openConnections === 0, 5000, 'streams to close')
  playground.backend.setHeartbeat(15_000)
  playground.backend.reset()
  expect(pageErrors).toEqual([])
  expect(consoleProblems).toEqual([])
})

const status = (): Locator => page.locator('[data-test=connection-status]')
const popups = (): Locator => page.locator('.el-notification')
const alarmTitles = (): Promise<string[]> => titlesIn(page)

/** Signs in as a fresh user and waits for the stream to open; returns the user name. */
async function login(query = ''): Promise<string> {
  const user = `operator-${++userSeq}`
  await signIn(page, playground.url, user, query)
  return user
}

/** Records every status the connection tag shows, including short-lived ones. */
async function recordStatuses(): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = []
    const tag = document.querySelector('[data-test=connection-status]')!
    seen.push(tag.getAttribute('data-status') ?? '')
    new MutationObserver(() => {
      const value = tag.getAttribute('data-status') ?? ''
      if (seen[seen.length - 1] !== value) seen.push(value)
    }).observe(tag, { attributes: true, attributeFilter: ['data-status'] })
    ;(window as unknown as { __statuses: string[] }).__statuses = seen
  })
}

async function statusesSeen(): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses.slice())
}

/** Records every status and error text the connection panel shows, as `status: error`, short-lived ones included. */
async function recordPanel(): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = []
    const panel = document.querySelector('[data-test=connection-panel]')!
    const look = (): void => {
      const status = panel.querySelector('[data-test=connection-status]')?.getAttribute('data-status') ?? ''
      const error = panel.querySelector('[data-test=connection-error]')?.textContent?.trim() ?? ''
      const entry = `${status}: ${error}`
      if (seen[seen.length - 1] !== entry) seen.push(entry)
    }
    look()
    new MutationObserver(look).observe(panel, { subtree: true, childList: true, characterData: true, attributes: true })
    ;(window as unknown as { __panel: string[] }).__panel = seen
  })
}

async function panelSeen(): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __panel: string[] }).__panel.slice())
}

// Popups never wall the screen: the playground has maxVisible 4, popups staying 4.5 s.
const MAX_VISIBLE = 4

/** What the page rendered since `countPopupsEveryFrame`, frame by frame. */
interface PopupsSeen {
  frames: number
  /** Most alarm popups on screen in one frame (a popup fading out has left the stack: the others move up at once). */
  mostPopups: number
  /** Most storm summaries on screen in one frame. */
  mostSummaries: number
  /** Lowest bottom edge of a popup on screen, in px from the top of the window. */
  lowestBottom: number
  windowHeight: number
  /** The summary's text each time it changed. */
  summaryTexts: string[]
}

/** Counts the popups on screen in every animation frame the page renders, from now on. */
async function countPopupsEveryFrame(): Promise<void> {
  // Headless Chromium runs animation frames at full rate only in the tab in front.
  await page.bringToFront()
  await page.evaluate(() => {
    const seen = { frames: 0, mostPopups: 0, mostSummaries: 0, lowestBottom: 0, windowHeight: innerHeight, summaryTexts: [] as string[] }
    const frame = (): void => {
      const shown = [...document.querySelectorAll<HTMLElement>('.el-notification')].filter((el) => !el.classList.contains('el-notification-fade-leave-active'))
      const summaries = shown.filter((el) => el.classList.contains('sse-notify--summary'))
      seen.frames++
      seen.mostPopups = Math.max(seen.mostPopups, shown.length - summaries.length)
      seen.mostSummaries = Math.max(seen.mostSummaries, summaries.length)
      for (const el of shown) seen.lowestBottom = Math.max(seen.lowestBottom, el.getBoundingClientRect().bottom)
      const text = summaries[0]?.querySelector('.sse-notify__summary')?.textContent
      if (text && seen.summaryTexts[seen.summaryTexts.length - 1] !== text) seen.summaryTexts.push(text)
      requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
    ;(window as unknown as { __popupsSeen: typeof seen }).__popupsSeen = seen
  })
}

async function popupsSeen(): Promise<PopupsSeen> {
  return page.evaluate(() => structuredClone((window as unknown as { __popupsSeen: PopupsSeen }).__popupsSeen))
}

/** In every frame: at most maxVisible alarm popups and one summary, all inside the window; the summary counted the rest. */
function expectScreenCapHeld(seen: PopupsSeen, alarms: number): void {
  const report = JSON.stringify(seen)
  expect(seen.frames, report).toBeGreaterThan(100)
  expect(seen.mostPopups, report).toBe(MAX_VISIBLE)
  expect(seen.mostSummaries, report).toBe(1)
  expect(seen.lowestBottom, report).toBeLessThanOrEqual(seen.windowHeight)
  const counted = seen.summaryTexts.map((text) => Number(/^\+(\d+) 条告警$/.exec(text)?.[1]))
  expect(Math.max(...counted), report).toBeGreaterThan(0)
  expect(Math.max(...counted), report).toBeLessThan(alarms)
}

describe('playground', () => {
  test('login opens exactly one stream and the panel shows it open', async () => {
    const user = await login()
    const { backend } = playground

    await expect.poll(() => status().textContent()).toContain('已连接')
    expect(backend.connectionsOf(user)).toBe(1)
    expect(backend.openConnections).toBe(1)
    const streams = backend.requests.filter((request) => request.user === user)
    expect(streams).toHaveLength(1)
    expect(streams[0].authorization).toMatch(/^Bearer \S+/)
    expect(streams[0].status).toBe(200)
    // Still one a moment later: no duplicate from tab sharing or the login watch.
    await page.waitForTimeout(500)
    expect(backend.connectionsOf(user)).toBe(1)
    expect(await page.locator('[data-test=current-user]').textContent()).toBe(user)
  })

  test('a transient calc shows its progress rising and a popup naming it at the end', async () => {
    await login()
    const card = page.locator('[data-test=calc-dyn]')
    await card.locator('[data-test=calc-start]').click()

    const seen: number[] = []
    let final = ''
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      const progress = Number(await card.locator('[data-test=calc-progress]').getAttribute('data-progress'))
      if (seen[seen.length - 1] !== progress) seen.push(progress)
      final = (await card.getAttribute('data-status')) ?? ''
      if (final === 'succeeded' || final === 'failed') break
      await page.waitForTimeout(50)
    }
    expect(['succeeded', 'failed']).toContain(final)
    // Rose step by step, never went back.
    expect(seen.some((value) => value > 0 && value < 100)).toBe(true)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
    if (final === 'succeeded') expect(seen[seen.length - 1]).toBe(100)

    const name = (await card.locator('.calc__label').textContent())?.trim() ?? ''
    expect(name).toMatch(/#\d+/)
    const popup = page.locator('.sse-notify--5-1')
    await popup.waitFor()
    expect(await popup.textContent()).toContain(name)
    const icon = popup.locator(final === 'succeeded' ? '.el-notification--success' : '.el-notification--error')
    expect(await icon.count()).toBe(1)
  })

  test('an alarm pops up and raises the unread badge; acknowledging clears it', async () => {
    const user = await login()
    const badge = page.locator('[data-test=alarm-unread]')
    expect(await badge.getAttribute('data-unread')).toBe('0')

    await page.locator('[data-test=alarm-send]').click()
    const popup = page.locator('.sse-notify--4')
    await popup.waitFor()
    await expect.poll(async () => (await alarmTitles()).length).toBe(1)
    const [title] = await alarmTitles()
    expect(title).toMatch(/告警/)
    expect(await popup.textContent()).toContain(title)
    await expect.poll(() => badge.getAttribute('data-unread')).toBe('1')
    await badge.locator('.el-badge__content').waitFor({ state: 'visible' })
    expect(await badge.locator('.el-badge__content').textContent()).toBe('1')
    expect(playground.backend.connectionsOf(user)).toBe(1)

    await page.locator('[data-test=alarm-ack]').click()
    await expect.poll(() => badge.getAttribute('data-unread')).toBe('0')
    await badge.locator('.el-badge__content').waitFor({ state: 'hidden' })
    expect(await page.locator('[data-test=alarm-ack]').count()).toBe(0)
  })

  test('drop, stall and backend restart: reconnects with the right Last-Event-ID, every alarm once', async () => {
    const { backend } = playground
    // The watchdog is shortened through the address; the server pings often enough for a healthy stream.
    backend.setHeartbeat(400)
    const user = await login('?heartbeatTimeout=2000')
    await recordStatuses()
    const sent: string[] = []
    const lastIdShown = async (): Promise<string> =>
      (await page.locator('[data-test=connection-last-event-id]').textContent())?.trim() ?? ''

    const sendAlarm = async (): Promise<void> => {
      const before = (await alarmTitles()).length
      sent.push(...backend.simulator.alarm(user))
      await expect.poll(async () => (await alarmTitles()).length).toBe(before + 1)
    }

    for (const fault of ['drop', 'stall', 'restart'] as const) {
      await sendAlarm()
      const resumeFrom = await lastIdShown()
      expect(resumeFrom).toBe(backend.lastId)
      const requestsBefore = backend.requests.filter((request) => request.user === user).length
      const statusMark = (await statusesSeen()).length

      await page.locator(`[data-test=fault-${fault}]`).click()
      if (fault !== 'stall') {
        // Sent while the stream is down: it must arrive through the replay.
        await backend.waitFor(() => backend.connectionsOf(user) === 0, 2000, 'the stream to go down')
        sent.push(...backend.simulator.alarm(user))
      } else {
        // A stalled stream stays open server-side; what is sent now is held back and replayed.
        sent.push(...backend.simulator.alarm(user))
        // The page says why it still shows "open": the watchdog's time, from the address here.
        await expect
          .poll(async () => (await page.locator('.el-message').allTextContents()).join(' '))
          .toMatch(/(在 2 秒|after 2 s).*heartbeatTimeout/)
      }
      // Seen by the recorder even when short-lived: reconnecting, then open again.
      await expect
        .poll(async () => (await statusesSeen()).slice(statusMark).join(' '), { timeout: 15_000 })
        .toMatch(/reconnecting.* open$/)
      await expect.poll(async () => (await alarmTitles()).length).toBe(sent.length)

      const retries = backend.requests.filter((request) => request.user === user).slice(requestsBefore)
      expect(retries.length).toBeGreaterThan(0)
      for (const retry of retries) expect(retry.lastEventId).toBe(resumeFrom)
      expect(retries[retries.length - 1].status).toBe(200)
      expect(backend.connectionsOf(user)).toBe(1)
    }

    const statuses = await statusesSeen()
    expect(statuses.filter((value) => value === 'reconnecting').length).toBeGreaterThanOrEqual(3)
    expect(statuses[statuses.length - 1]).toBe('open')
    expect(Number(await page.locator('[data-test=connection-reconnects]').textContent())).toBeGreaterThanOrEqual(3)

    // Every alarm exactly once, none invented by the half event the drop left behind.
    const titles = await alarmTitles()
    expect(titles).toHaveLength(sent.length)
    expect(new Set(titles).size).toBe(titles.length)
    expect(await page.locator('[data-test=alarm-unread]').getAttribute('data-unread')).toBe(String(sent.length))
  })

  test('malformed JSON and an unknown messageType are counted, not shown, and the stream stays up', async () => {
    const user = await login()
    await page.locator('[data-test=fault-malformed]').click()
    await expect.poll(() => page.locator('[data-test=stats-malformed]').textContent()).toBe('1')
    await page.locator('[data-test=fault-unknown]').click()
    await expect.poll(() => page.locator('[data-test=stats-unknown]').textContent()).toBe('1')
    // A valid message after both still arrives on the same stream.
    await page.locator('[data-test=alarm-send]').click()
    await expect.poll(async () => (await alarmTitles()).length).toBe(1)

    expect(await page.locator('.el-notification:not(.sse-notify--4)').count()).toBe(0)
    expect(await status().getAttribute('data-status')).toBe('open')
    expect(await page.locator('[data-test=connection-reconnects]').textContent()).toBe('0')
    expect(playground.backend.requests.filter((request) => request.user === user)).toHaveLength(1)
    expect(playground.backend.connectionsOf(user)).toBe(1)
  })

  test('server answer drills: 500 and a wrong content type back off and recover, 204 stops until Reconnect, 401 signs out', async () => {
    const { backend } = playground
    const user = await login()
    await recordPanel()
    const streams = (): number[] => backend.requests.filter((request) => request.user === user).map((request) => request.status)
    await page.locator('[data-test=alarm-send]').click()
    await expect.poll(async () => (await alarmTitles()).length).toBe(1)

    // The server answers the next stream requests so; the panel says why the client is reconnecting.
    for (const [drill, error] of [
      ['http500', /^reconnecting: .*\b500\b/],
      ['content-type', /^reconnecting: .*text\/html/],
    ] as const) {
      const mark = (await panelSeen()).length
      const before = streams().length
      await page.locator(`[data-test=fault-${drill}]`).click()
      await expect.poll(async () => (await panelSeen()).slice(mark).some((entry) => error.test(entry)), { timeout: 15_000 }).toBe(true)
      await expect.poll(async () => (await panelSeen()).at(-1), { timeout: 15_000 }).toBe('open: 无')
      expect(streams().length - before).toBeGreaterThanOrEqual(2)
      if (drill === 'http500') expect(streams().slice(before)).toContain(500)
      expect(backend.connectionsOf(user)).toBe(1)
    }

    // 204: the server says stop. Closed for good, no retry, until the user asks to reconnect.
    await page.locator('[data-test=fault-http204]').click()
    await waitForStatus(page, 'closed')
    expect(await page.locator('[data-test=connection-error]').textContent()).toMatch(/204/)
    const stopped = streams().length
    expect(streams().at(-1)).toBe(204)
    await page.waitForTimeout(1500)
    expect(streams()).toHaveLength(stopped)
    expect(backend.connectionsOf(user)).toBe(0)
    await page.locator('[data-test=connection-reconnect]').click()
    await waitForStatus(page, 'open')
    expect(streams()).toHaveLength(stopped + 1)
    expect(await page.locator('[data-test=connection-reconnect]').count()).toBe(0)
    // A reconnect, not a new login: the data stays.
    expect(await alarmTitles()).toHaveLength(1)

    // 401: the token is refused, the app signs the user out.
    await page.locator('[data-test=fault-http401]').click()
    await page.locator('[data-test=login-submit]').waitFor()
    expect(streams().at(-1)).toBe(401)
    expect(await page.evaluate(() => localStorage.getItem('water-ops.auth'))).toBeNull()
    await backend.waitFor(() => backend.connectionsOf(user) === 0, 2000, 'no stream left')
  })

  test('the XSS sample is shown as text: no injected element, no script ran', async () => {
    await login()
    await page.locator('[data-test=fault-xss]').click()
    const popup = page.locator('.sse-notify--4')
    await popup.waitFor()
    await expect.poll(async () => (await alarmTitles()).length).toBe(1)
    // Give a broken image's onerror the chance to run, had it been injected.
    await page.waitForTimeout(500)

    expect((await alarmTitles())[0]).toContain('<img src=x onerror="window.__xss=1">')
    expect(await popup.textContent()).toContain('<script>window.__xss=1</script>')
    expect(await page.locator('[data-test=alarm-content]').first().textContent()).toContain('<b>bold?</b>')
    const injected = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss,
      images: document.querySelectorAll('img[src="x"]').length,
      bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold?').length,
      scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__xss')).length,
    }))
    expect(injected).toEqual({ xss: undefined, images: 0, bold: 0, scripts: 0 })
  })

  test('an alarm storm (200 at once): never more than maxVisible popups plus the summary in any frame; every alarm lands in the table', async () => {
    const user = await login()
    await countPopupsEveryFrame()

    await page.locator('[data-test=fault-storm]').click()
    await expect.poll(() => page.locator('[data-test=alarm-unread]').getAttribute('data-unread'), { timeout: 15_000 }).toBe('200')
    await page.locator('.sse-notify--summary').waitFor()
    // Until the storm's popups have left (4.5 s each).
    await page.waitForTimeout(5500)

    const seen = await popupsSeen()
    expectScreenCapHeld(seen, 200)
    expect(seen.summaryTexts[0]).toBe(`+${200 - MAX_VISIBLE} 条告警`)
    expect(await alarmTitles()).toHaveLength(200)
    expect(playground.backend.connectionsOf(user)).toBe(1)
  })

  test('a steady stream (an alarm every 300 ms for 6 s, each popup staying 4.5 s): never more than maxVisible popups plus the summary in any frame', async () => {
    const user = await login()
    await countPopupsEveryFrame()

    let sent = 0
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        playground.backend.simulator.alarm(user)
        if (++sent === 20) {
          clearInterval(timer)
          resolve()
        }
      }, 300)
    })
    await expect.poll(async () => (await alarmTitles()).length, { timeout: 10_000 }).toBe(20)
    // Until every popup of the stream has had time to leave.
    await page.waitForTimeout(5000)

    expectScreenCapHeld(await popupsSeen(), 20)
  })

  test('logout closes the stream at once, clears the data and the popups', async () => {
    const user = await login()
    const { backend } = playground
    await page.locator('[data-test=alarm-send]').click()
    // A critical alarm's popup stays until closed: only logout may take it away.
    backend.simulator.alarm(user, { level: 'critical' })
    await expect.poll(() => page.locator('.sse-notify--4').count()).toBe(2)
    await expect.poll(async () => (await alarmTitles()).length).toBe(2)
    expect(backend.connectionsOf(user)).toBe(1)

    // Popups open below the header: the button is not covered, no waiting for them to go.
    await page.locator('[data-test=logout]').click({ timeout: 2000 })
    await backend.waitFor(() => backend.openConnections === 0, 1000, 'the stream to close after logout')
    await page.locator('[data-test=login-submit]').waitFor()
    // Every popup starts closing at once (not after its 4.5 s), then leaves the page.
    await expect.poll(() => page.locator('.el-notification:not(.el-notification-fade-leave-active)').count()).toBe(0)
    await expect.poll(() => popups().count(), { timeout: 5000 }).toBe(0)
    expect(await page.evaluate(() => localStorage.getItem('water-ops.auth'))).toBeNull()

    // The next user of this browser sees nothing of the previous one.
    const next = await login()
    expect(next).not.toBe(user)
    expect(await alarmTitles()).toEqual([])
    expect(await page.locator('[data-test=alarm-unread]').getAttribute('data-unread')).toBe('0')
    expect(await page.locator('[data-test=stats-received]').textContent()).toBe('0')
    expect(backend.openConnections).toBe(1)
    expect(backend.connectionsOf(user)).toBe(0)
  })

  test('switching the language keeps the user signed in on one stream', async () => {
    const user = await login()
    expect(await page.locator('[data-test=app-title]').textContent()).toBe('水网运行调度平台')

    await Promise.all([page.waitForEvent('load'), page.locator('[data-test=switch-locale]').click()])
    await page.locator('[data-test=connection-status][data-status=open]').waitFor()
    expect(await page.locator('[data-test=app-title]').textContent()).toBe('Water network operations')
    expect(await status().textContent()).toContain('Open')
    expect(await page.locator('[data-test=calc-dyn] [data-test=calc-start]').textContent()).toContain('Start')
    // The reload dropped the old stream; exactly one is left.
    await playground.backend.waitFor(() => playground.backend.connectionsOf(user) === 1, 2000, 'one stream')
    await page.waitForTimeout(300)
    expect(playground.backend.connectionsOf(user)).toBe(1)
  })

  test('a token the backend no longer knows sends the user back to sign in', async () => {
    const user = await login()
    playground.backend.tokens.revokeUser(user)
    await page.locator('[data-test=fault-drop]').click()
    await page.locator('[data-test=login-submit]').waitFor()
    expect(await page.evaluate(() => localStorage.getItem('water-ops.auth'))).toBeNull()
    const statuses = playground.backend.requests.filter((request) => request.token !== null).map((request) => request.status)
    expect(statuses).toContain(401)
    expect(playground.backend.openConnections).toBe(0)
  })

  test('a second tab of the same user shares the one stream and sees the same alarms', async () => {
    const user = await login()
    const second = await context.newPage()
    watchConsole(second)
    // Same origin, same localStorage: the second tab is signed in already.
    await openSignedIn(second, playground.url, 'follower')
    expect(await roleShown(page)).toBe('leader')

    playground.backend.simulator.alarm(user)
    for (const tab of [page, second]) {
      await expect.poll(() => tab.locator('[data-test=alarm-title]').count()).toBe(1)
    }
    expect(playground.backend.connectionsOf(user)).toBe(1)
    expect(playground.backend.requests.filter((request) => request.user === user)).toHaveLength(1)

    // The leader tab closes: the other one takes over from the last id, nothing lost, nothing twice.
    const lastId = playground.backend.lastId
    await page.close()
    await waitForShown(second, '[data-test=connection-role][data-role=leader]')
    await waitForStatus(second, 'open')
    const streams = playground.backend.requests.filter((request) => request.user === user)
    expect(streams).toHaveLength(2)
    expect(streams[1].lastEventId).toBe(lastId)
    playground.backend.simulator.alarm(user)
    await expect.poll(() => second.locator('[data-test=alarm-title]').count()).toBe(2)
    expect(playground.backend.connectionsOf(user)).toBe(1)
  })
})
