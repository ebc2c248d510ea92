import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startPlayground } from '../support/browser'
import type { Playground } from '../support/browser'
import { launchChromium } from '../support/chromium'
import { signIn, unreadCount } from '../support/playgroundPage'

// Popups never wall the screen: the playground (maxVisible 4, popups staying 4.5 s) in real Chromium,
// with the popups on screen counted in every animation frame the page renders.

const MAX_VISIBLE = 4

let browser: Browser
let playground: Playground
let context: BrowserContext
let page: Page
let pageErrors: string[]
let userSeq = 0

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
  page.on('pageerror', (error) => pageErrors.push(error.message))
})

afterEach(async () => {
  await context.close()
  await playground.backend.waitFor(() => playground.backend.openConnections === 0, 5000, 'streams to close')
  playground.backend.reset()
  expect(pageErrors).toEqual([])
})

/** What the page saw over all the frames it rendered since `countPopupsEveryFrame`. */
interface Seen {
  frames: number
  /** Most alarm popups on screen in one frame (a popup fading out has left the stack). */
  mostPopups: number
  /** Most summaries on screen in one frame. */
  mostSummaries: number
  /** Most notification elements of any kind in the document in one frame, fading ones included. */
  mostElements: number
  /** Lowest bottom edge of a popup on screen, in px from the top of the window. */
  lowestBottom: number
  windowHeight: number
  summaryTexts: string[]
}

/** Counts the popups on screen in every animation frame, from now until the page goes. */
async function countPopupsEveryFrame(): Promise<void> {
  await page.bringToFront()
  await page.evaluate(() => {
    const seen = { frames: 0, mostPopups: 0, mostSummaries: 0, mostElements: 0, lowestBottom: 0, windowHeight: innerHeight, summaryTexts: [] as string[] }
    const frame = (): void => {
      const all = [...document.querySelectorAll<HTMLElement>('.el-notification')]
      const shown = all.filter((el) => !el.classList.contains('el-notification-fade-leave-active'))
      const summaries = shown.filter((el) => el.classList.contains('sse-notify--summary'))
      seen.frames++
      seen.mostElements = Math.max(seen.mostElements, all.length)
      seen.mostPopups = Math.max(seen.mostPopups, shown.length - summaries.length)
      seen.mostSummaries = Math.max(seen.mostSummaries, summaries.length)
      for (const el of shown) seen.lowestBottom = Math.max(seen.lowestBottom, el.getBoundingClientRect().bottom)
      const text = summaries[0]?.querySelector('.sse-notify__summary')?.textContent
      if (text && seen.summaryTexts[seen.summaryTexts.length - 1] !== text) seen.summaryTexts.push(text)
      requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
    ;(window as unknown as { __seen: typeof seen }).__seen = seen
  })
}

async function seen(): Promise<Seen> {
  return page.evaluate(() => structuredClone((window as unknown as { __seen: Seen }).__seen))
}

async function login(): Promise<string> {
  const user = `watcher-${++userSeq}`
  await signIn(page, playground.url, user)
  return user
}

/** The cap, frame by frame: never more than maxVisible alarm popups plus one summary, all inside the window. */
function expectCapHeld(result: Seen, alarms: number): void {
  const report = JSON.stringify(result)
  // The page rendered all along (headless Chromium runs rAF at ~60/s in the tab in front).
  expect(result.frames, report).toBeGreaterThan(100)
  expect(result.mostPopups, report).toBe(MAX_VISIBLE)
  expect(result.mostSummaries, report).toBe(1)
  expect(result.lowestBottom, report).toBeLessThanOrEqual(result.windowHeight)
  // The summary counted what did not fit.
  const counted = result.summaryTexts.map((text) => Number(/^\+(\d+) 条告警$/.exec(text)?.[1]))
  expect(Math.max(...counted), report).toBeGreaterThan(0)
  expect(Math.max(...counted), report).toBeLessThan(alarms)
}

describe('popups never wall the screen', () => {
  test('a burst: 200 alarms at once', async () => {
    const user = await login()
    await countPopupsEveryFrame()

    playground.backend.simulator.alarm(user, { count: 200 })
    await expect.poll(() => unreadCount(page), { timeout: 15_000 }).toBe(200)
    // Until the burst's popups have left and the summary's count was read: about 5 s.
    await page.locator('.sse-notify--summary').waitFor()
    await page.waitForTimeout(5500)

    const result = await seen()
    expectCapHeld(result, 200)
    expect(result.summaryTexts[0]).toBe(`+${200 - MAX_VISIBLE} 条告警`)
  })

  test('a steady stream: an alarm every 300 ms for 6 s, each popup staying 4.5 s', async () => {
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
    await expect.poll(() => unreadCount(page), { timeout: 10_000 }).toBe(20)
    // Until every popup of the stream has had time to leave.
    await page.waitForTimeout(5000)

    expectCapHeld(await seen(), 20)
  })
})
