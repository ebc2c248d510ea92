import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startPlayground } from '../support/browser'
import type { Playground } from '../support/browser'
import { launchChromium } from '../support/chromium'
import type { PageSetup, PageView } from './pages/eventSource'

// `transport: 'eventsource'` with the browser's own EventSource, in real Chromium, against the
// playground's mock backend (served by the same Vite server, so the page and the stream share an
// origin). The page is tests/e2e/pages/eventSource.html: a bare app with the hub, no popups, tab sharing
// only where a test asks for it.

const PAGE = '/tests/e2e/pages/eventSource.html'
/** Backoff base the page uses (its `reconnect.initialDelay`). */
const INITIAL_DELAY = 300

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
  context = await browser.newContext()
  pageErrors = []
  page = await context.newPage()
  page.on('pageerror', (error) => pageErrors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      // Chromium logs every failed EventSource request itself; the app's own errors are what count.
      if (!/Failed to load resource|EventSource's response has a|net::ERR_/.test(message.text())) pageErrors.push(message.text())
    }
  })
})

afterEach(async () => {
  await context.close()
  await playground.backend.waitFor(() => playground.backend.openConnections === 0, 5000, 'streams to close')
  playground.backend.reset()
  expect(pageErrors).toEqual([])
})

const nextUser = (): string => `es-user-${++userSeq}`

async function open(setup: PageSetup = {}): Promise<void> {
  await page.goto(`${playground.url}${PAGE}`)
  await page.waitForFunction(() => typeof window.__es === 'object')
  await page.evaluate((s) => window.__es.start(s), setup)
}

const view = (): Promise<PageView> => page.evaluate(() => window.__es.view())

async function waitForView(predicate: (v: PageView) => boolean, what: string, timeout = 5000): Promise<PageView> {
  const started = Date.now()
  for (;;) {
    const current = await view()
    if (predicate(current)) return current
    if (Date.now() - started > timeout) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(current)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Stream requests the server saw for `user`. */
const streamsOf = (user: string): Playground['backend']['requests'] => playground.backend.requests.filter((r) => r.user === user)

let alarmSeq = 0
function sendAlarm(user: string): { title: string; id: string } {
  const title = `alarm ${++alarmSeq}`
  const id = playground.backend.send(user, '4', { alarmId: `es-${alarmSeq}`, level: 'warning', title, content: 'P-7' })
  return { title, id }
}

/** Logs `user` in with a fresh token; resolves once the stream is open. */
async function login(user: string): Promise<string> {
  const token = playground.backend.tokens.issue(user)
  await page.evaluate((t) => window.__es.login(t), token)
  await waitForView((v) => v.status === 'open', 'the stream to open')
  return token
}

/** A fresh page with a new user signed in and one alarm received. */
async function signedInWithAnAlarm(): Promise<{ user: string; first: { title: string; id: string } }> {
  const user = nextUser()
  await open()
  await login(user)
  const first = sendAlarm(user)
  await waitForView((v) => v.alarms.length === 1, 'an alarm')
  return { user, first }
}

describe('eventsource transport in Chromium', () => {
  test('login opens one stream with the token as the `token` parameter; messages reach the store', async () => {
    const user = nextUser()
    await open()
    const token = await login(user)
    const requests = streamsOf(user)
    expect(requests).toHaveLength(1)
    const url = new URL(requests[0].url, playground.url)
    expect(url.searchParams.get('token')).toBe(token)
    expect(url.searchParams.has('lastEventId')).toBe(false)
    expect(requests[0].authorization).toBeNull()
    expect(requests[0].headers.accept).toBe('text/event-stream')
    expect(playground.backend.connectionsOf(user)).toBe(1)

    const sent = [sendAlarm(user), sendAlarm(user), sendAlarm(user)]
    const seen = await waitForView((v) => v.alarms.length === 3, 'three alarms')
    expect(seen.alarms).toEqual(sent.map((a) => a.title))
    expect(seen.lastEventId).toBe(sent[2].id)
    expect(seen.received).toBe(3)
    expect(seen.sources).toHaveLength(1)
    expect(seen.sources[0].readyState).toBe(1)
    expect(playground.backend.requests).toHaveLength(1)
  })

  test('after the server drops the stream, a new instance resumes with `lastEventId`: nothing lost, nothing twice', async () => {
    const { backend } = playground
    const user = nextUser()
    await open()
    await login(user)
    const before = [sendAlarm(user), sendAlarm(user)]
    await waitForView((v) => v.alarms.length === 2, 'the first alarms')

    // Half an event, then the socket is destroyed; two alarms are sent while the client is away.
    backend.fault({ kind: 'drop' })
    await waitForView((v) => v.status === 'reconnecting', 'the drop to be seen')
    const during = [sendAlarm(user), sendAlarm(user)]
    const back = await waitForView((v) => v.status === 'open' && v.alarms.length === 4, 'the resumed stream')

    const requests = streamsOf(user)
    expect(requests).toHaveLength(2)
    expect(new URL(requests[1].url, playground.url).searchParams.get('lastEventId')).toBe(before[1].id)
    expect(back.alarms).toEqual([...before, ...during].map((a) => a.title))
    expect(back.received).toBe(4)
    expect(back.lastEventId).toBe(during[1].id)
    expect(back.reconnects).toBe(1)
    expect(back.errors.map((e) => e.kind)).toEqual(['stream-ended'])
    // The old instance is closed (the browser's own reconnection is off), the new one is open.
    expect(back.sources.map((s) => s.readyState)).toEqual([2, 1])

    // A clean end of the stream resumes the same way.
    backend.endStreams()
    await waitForView((v) => v.status === 'reconnecting', 'the end to be seen')
    const after = sendAlarm(user)
    const again = await waitForView((v) => v.status === 'open' && v.alarms.length === 5, 'the second resume')
    expect(new URL(streamsOf(user)[2].url, playground.url).searchParams.get('lastEventId')).toBe(during[1].id)
    expect(again.alarms.at(-1)).toBe(after.title)
    expect(again.received).toBe(5)
    expect(backend.connectionsOf(user)).toBe(1)
  })

  test('logout closes the stream: the server sees no connection left and the store is empty', async () => {
    const { backend } = playground
    const user = nextUser()
    await open()
    await login(user)
    sendAlarm(user)
    await waitForView((v) => v.alarms.length === 1, 'an alarm')
    await page.evaluate(() => window.__es.logout())
    await backend.waitFor(() => backend.openConnections === 0, 2000, 'the stream to close')
    const out = await view()
    expect(out.status).toBe('closed')
    expect(out.alarms).toEqual([])
    expect(out.sources.map((s) => s.readyState)).toEqual([2])
    // Nothing reconnects behind the user's back.
    await page.waitForTimeout(INITIAL_DELAY * 3)
    expect(streamsOf(user)).toHaveLength(1)
    expect(backend.openConnections).toBe(0)

    // The next user gets a stream of their own, with their token and no resume point of the last one.
    const next = nextUser()
    const token = await login(next)
    const url = new URL(streamsOf(next)[0].url, playground.url)
    expect(url.searchParams.get('token')).toBe(token)
    expect(url.searchParams.has('lastEventId')).toBe(false)
    expect(backend.connectionsOf(next)).toBe(1)
  })

  test('a server answering 500, then HTML instead of SSE: `network` errors, growing waits, then the stream opens', async () => {
    const { backend } = playground
    const user = nextUser()
    backend.fault({ kind: 'status', status: 500, count: 2 })
    backend.fault({ kind: 'content-type', count: 1 })
    await open()
    const token = playground.backend.tokens.issue(user)
    await page.evaluate((t) => window.__es.login(t), token)
    const up = await waitForView((v) => v.status === 'open', 'the stream to recover', 10_000)

    const requests = streamsOf(user)
    expect(requests.map((r) => r.status)).toEqual([500, 500, 200, 200])
    // HTTP statuses and content types are invisible to EventSource: each is a `network` error.
    expect(up.errors.map((e) => e.kind)).toEqual(['network', 'network', 'network'])
    expect(up.errors.every((e) => e.status === undefined)).toBe(true)
    expect(up.error).toBeNull()
    // Jittered exponential backoff: attempt n waits at least half of INITIAL_DELAY * 2^(n-1).
    const gaps = requests.slice(1).map((r, i) => r.time - requests[i].time)
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((INITIAL_DELAY * 2 ** i) / 2 - 20))
    // One instance per attempt, every failed one closed.
    expect(up.sources.map((s) => s.readyState)).toEqual([2, 2, 2, 1])
    sendAlarm(user)
    await waitForView((v) => v.alarms.length === 1 && v.attempt === 0, 'an alarm on the recovered stream')
  })

  test.each([
    { status: 204, what: 'a 204 (stop)' },
    { status: 401, what: 'a 401' },
  ])('$what never loops tightly: backoff, `network` errors, recovery once the server answers 200', async ({ status }) => {
    const { backend } = playground
    const user = nextUser()
    backend.fault({ kind: 'status', status, count: 1000 })
    await open()
    const token = backend.tokens.issue(user)
    const started = Date.now()
    await page.evaluate((t) => window.__es.login(t), token)
    await page.waitForTimeout(1500)
    const answered = backend.requests.filter((r) => r.status === status)
    // Between two attempts: each answer seen by the page, no instance pending.
    const failing = await waitForView(
      (v) => v.errors.length === backend.requests.length && v.sources.length === v.errors.length,
      'the last answer to reach the page',
    )
    // Waits of at least 150, 300, 600 ms: four requests at most in 1.5 s, where a tight loop makes hundreds.
    expect(answered.length).toBeGreaterThanOrEqual(2)
    expect(answered.length).toBeLessThanOrEqual(4)
    expect(answered[0].time - started).toBeLessThan(1000)
    expect(failing.status).toBe('reconnecting')
    expect(failing.errors).toHaveLength(answered.length)
    expect(failing.errors.every((e) => e.kind === 'network')).toBe(true)
    // Every failed instance is closed: the browser's own reconnection never runs beside ours.
    expect(failing.sources.every((s) => s.readyState === 2)).toBe(true)

    // The server is fine again: the next attempt opens.
    backend.reset()
    await waitForView((v) => v.status === 'open', 'the stream to open', 5000)
    expect(backend.connectionsOf(user)).toBe(1)
  })

  test('a cookie login on the same origin: the cookie goes with the stream, no token in the address', async () => {
    const { backend } = playground
    const user = nextUser()
    await open({ cookie: true })
    // The playground's login answers with an HttpOnly `sse_token` cookie: the page cannot read it.
    await page.evaluate(async (name) => {
      const answer = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: name }) })
      if (!answer.ok) throw new Error(`login answered ${answer.status}`)
    }, user)
    await page.evaluate(() => window.__es.setLoggedIn(true))
    await waitForView((v) => v.status === 'open', 'the cookie stream to open')
    const [request] = streamsOf(user)
    expect(request.headers.cookie).toMatch(/(^|; )sse_token=tok_/)
    expect(new URL(request.url, playground.url).searchParams.has('token')).toBe(false)
    sendAlarm(user)
    await waitForView((v) => v.alarms.length === 1, 'an alarm')
    await page.evaluate(() => window.__es.logout())
    await backend.waitFor(() => backend.openConnections === 0, 2000, 'the stream to close')
  })

  describe('cross-origin stream (another port of 127.0.0.1 that allows the page origin with credentials)', () => {
    let other: Server
    let otherUrl: string
    beforeAll(async () => {
      other = createServer((req, res) => {
        res.setHeader('Access-Control-Allow-Origin', playground.url)
        res.setHeader('Access-Control-Allow-Credentials', 'true')
        playground.backend.middleware(req, res)
      })
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
      otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/sse`
    })
    afterAll(async () => {
      other.closeAllConnections()
      await new Promise<void>((resolve) => other.close(() => resolve()))
    })

    async function cookieLogin(user: string, withCredentials: boolean): Promise<void> {
      await open({ cookie: true, url: otherUrl, withCredentials })
      await page.evaluate(async (name) => {
        await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: name }) })
      }, user)
      await page.evaluate(() => window.__es.setLoggedIn(true))
    }

    test('withCredentials: true sends the cookie and the stream opens', async () => {
      const user = nextUser()
      await cookieLogin(user, true)
      const up = await waitForView((v) => v.status === 'open', 'the stream to open')
      expect(up.sources[0].withCredentials).toBe(true)
      expect(up.sources[0].url).toBe(otherUrl)
      expect(streamsOf(user)[0].headers.cookie).toMatch(/(^|; )sse_token=tok_/)
      sendAlarm(user)
      await waitForView((v) => v.alarms.length === 1, 'an alarm')
      await page.evaluate(() => window.__es.logout())
      await playground.backend.waitFor(() => playground.backend.openConnections === 0, 2000, 'the stream to close')
    })

    test('withCredentials: false sends no cookie: the 401 is a `network` error, backed off', async () => {
      await cookieLogin(nextUser(), false)
      const failing = await waitForView((v) => v.errors.length >= 2, 'two failed attempts')
      const requests = playground.backend.requests
      expect(requests.every((r) => r.headers.cookie === undefined && r.status === 401)).toBe(true)
      expect(failing.sources[0].withCredentials).toBe(false)
      expect(failing.errors.every((e) => e.kind === 'network')).toBe(true)
      await page.evaluate(() => window.__es.logout())
    })
  })

  test('a refreshed token reconnects at once with the new token and resumes from the last id', async () => {
    const { backend } = playground
    const { user, first } = await signedInWithAnAlarm()
    const fresh = backend.tokens.issue(user)
    await page.evaluate((t) => window.__es.login(t), fresh)
    await backend.waitFor(() => streamsOf(user).length === 2 && backend.connectionsOf(user) === 1, 2000, 'the new stream')
    const url = new URL(streamsOf(user)[1].url, playground.url)
    expect(url.searchParams.get('token')).toBe(fresh)
    expect(url.searchParams.get('lastEventId')).toBe(first.id)
    const second = sendAlarm(user)
    const now = await waitForView((v) => v.alarms.length === 2, 'the next alarm')
    expect(now.alarms).toEqual([first.title, second.title])
    expect(now.sources.map((s) => s.readyState)).toEqual([2, 1])
  })

  test('offline: a dropped stream waits for the online event instead of retrying, then resumes', async () => {
    const { backend } = playground
    const { user, first } = await signedInWithAnAlarm()
    await context.setOffline(true)
    backend.endStreams()
    await waitForView((v) => v.status === 'reconnecting', 'the end to be seen')
    const missed = sendAlarm(user)
    await page.waitForTimeout(INITIAL_DELAY * 3)
    expect(streamsOf(user)).toHaveLength(1)
    await context.setOffline(false)
    const back = await waitForView((v) => v.status === 'open' && v.alarms.length === 2, 'the resumed stream')
    expect(back.alarms).toEqual([first.title, missed.title])
    expect(new URL(streamsOf(user)[1].url, playground.url).searchParams.get('lastEventId')).toBe(first.id)
  })

  test('shared by two tabs: one stream; when the leader tab closes, the other resumes from the last id', async () => {
    const { backend } = playground
    backend.setDuplicate('allow')
    try {
      const user = nextUser()
      const token = backend.tokens.issue(user)
      const second = await context.newPage()
      second.on('pageerror', (error) => pageErrors.push(error.message))
      for (const tab of [page, second]) {
        await tab.goto(`${playground.url}${PAGE}`)
        await tab.waitForFunction(() => typeof window.__es === 'object')
        await tab.evaluate(() => window.__es.start({ share: true }))
        await tab.evaluate((t) => window.__es.login(t), token)
      }
      const viewOf = (tab: Page): Promise<PageView> => tab.evaluate(() => window.__es.view())
      await expect.poll(async () => (await Promise.all([page, second].map(viewOf))).map((v) => v.status)).toEqual(['open', 'open'])
      expect(backend.connectionsOf(user)).toBe(1)
      const first = sendAlarm(user)
      await expect.poll(async () => (await viewOf(second)).alarms).toEqual([first.title])

      // The new leader's first attempt fails, so an alarm sent then reaches no tab until it resumes.
      backend.fault({ kind: 'status', status: 500, count: 1 })
      await page.close()
      await backend.waitFor(() => streamsOf(user).length === 2 && backend.connectionsOf(user) === 0, 5000, 'the failed takeover')
      const missed = sendAlarm(user)
      await expect.poll(async () => (await viewOf(second)).alarms, { timeout: 5000 }).toEqual([first.title, missed.title])
      const requests = streamsOf(user)
      expect(requests.map((r) => r.status)).toEqual([200, 500, 200])
      expect(new URL(requests[2].url, playground.url).searchParams.get('lastEventId')).toBe(first.id)
      expect(backend.connectionsOf(user)).toBe(1)
      expect((await viewOf(second)).received).toBe(2)
    } finally {
      backend.setDuplicate('replace')
    }
  })
})
