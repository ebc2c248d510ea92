import type { BrowserContext, Locator, Page, Request } from 'playwright-core'
import { NAME_PREFIX } from '../../src/core/tabShareWire'
import { shareKey } from '../../src/core/shareKey'

// What a user sees and does in one playground tab, for the browser tests.

/** The connection tag of the panel (`data-status` holds the status). */
export const statusTag = (page: Page): Locator => page.locator('[data-test=connection-status]')

/** Titles of the alarm table's rows, top to bottom. */
export async function alarmTitles(page: Page): Promise<string[]> {
  return page.locator('[data-test=alarm-title]').allTextContents()
}

/** The unread count behind the alarm badge. */
export async function unreadCount(page: Page): Promise<number> {
  return Number(await page.locator('[data-test=alarm-unread]').getAttribute('data-unread'))
}

/** Role shown in the connection panel (`solo`, `leader`, `follower`), '' when the panel is not shown. */
export async function roleShown(page: Page): Promise<string> {
  const role = page.locator('[data-test=connection-role]')
  return (await role.count()) === 0 ? '' : ((await role.getAttribute('data-role')) ?? '')
}

/**
 * Waits until `selector` matches in `page`. Unlike `locator.waitFor()`, it polls on a timer rather
 * than on animation frames, which headless Chromium throttles to about one a second in windows that
 * are not in front: a tab in the background is then seen as soon as it changes.
 */
export async function waitForShown(page: Page, selector: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction((css) => document.querySelector(css) !== null, selector, { polling: 25, timeout })
}

/** Waits until the tab's connection panel shows `status`. */
export async function waitForStatus(page: Page, status: string): Promise<void> {
  await waitForShown(page, `[data-test=connection-status][data-status=${status}]`)
}

/**
 * Opens the playground and signs in as `user` in the tab in front (Playwright's click waits for
 * animation frames, which a background window gets about once a second); resolves once the tab's
 * stream shows open.
 */
export async function signIn(page: Page, origin: string, user: string, query = ''): Promise<void> {
  await page.goto(`${origin}/${query}`)
  await page.bringToFront()
  await page.locator('input[data-test=login-username]').fill(user)
  await page.locator('[data-test=login-submit]').click()
  await waitForStatus(page, 'open')
}

/** Opens the playground in a tab of a context that is signed in already; resolves once it shows `role` and open. */
export async function openSignedIn(page: Page, origin: string, role: 'leader' | 'follower' | 'solo', query = ''): Promise<void> {
  await page.goto(`${origin}/${query}`)
  await waitForShown(page, `[data-test=connection-role][data-role=${role}]`)
  await waitForStatus(page, 'open')
}

/** Every SSE stream request this tab itself sent (the browser's view, per tab). */
export function recordStreamRequests(page: Page): Request[] {
  const seen: Request[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/sse') seen.push(request)
  })
  return seen
}

/**
 * Playwright makes every page report focus (`document.hasFocus()` is always true). Real focus
 * instead: only the page last brought to front has it, and blur/focus events fire as in a desktop
 * browser. Headless Chromium keeps every page `visible` (each page is its own window). Call it after
 * the page has loaded its document: a navigation to another origin brings the emulation back.
 */
export async function useRealFocus(context: BrowserContext, page: Page): Promise<void> {
  // The override lives as long as the session: it stays attached until the page closes.
  const session = await context.newCDPSession(page)
  await session.send('Emulation.setFocusEmulationEnabled', { enabled: false })
}

/** Brings `page` to front and waits until the page itself reports focus. */
export async function focus(page: Page): Promise<void> {
  await page.bringToFront()
  await page.waitForFunction(() => document.hasFocus())
}

/** Name of the BroadcastChannel the tabs of the signed-in user share (the library's naming). */
export async function shareChannelName(page: Page, origin: string): Promise<string> {
  const token = await page.evaluate(() => {
    const saved = sessionStorage.getItem('water-ops.auth') ?? localStorage.getItem('water-ops.auth')
    return saved ? (JSON.parse(saved) as { token: string }).token : null
  })
  return `${NAME_PREFIX}${shareKey(`${origin}/api/sse`, token)}`
}

/**
 * Listens to the tabs' channel from inside `page`: keeps the last focus each tab reported, which is
 * what the leader knows when it picks the tab that pops a notification (install it in the leader
 * before the other tabs join), and the id of every message a leader relayed. (A channel object hears what every other object of the same name posts, in its
 * own page too, and after the objects created before it.)
 */
export async function listenToChannel(page: Page, name: string): Promise<void> {
  await page.evaluate((channelName) => {
    const focused = new Map<string, boolean>()
    const relayed: Array<{ id: string; from: string }> = []
    new BroadcastChannel(channelName).addEventListener('message', (event: MessageEvent) => {
      const wire = event.data as { kind?: string; from?: string; presence?: { focused?: boolean }; relayed?: { eventId?: string } }
      if ((wire.kind === 'hello' || wire.kind === 'presence') && wire.from) focused.set(wire.from, wire.presence?.focused === true)
      if (wire.kind === 'bye' && wire.from) focused.delete(wire.from)
      if (wire.kind === 'message' && typeof wire.relayed?.eventId === 'string') relayed.push({ id: wire.relayed.eventId, from: wire.from ?? '' })
    })
    const probe = window as unknown as { __focusedTabs: () => number; __relayed: Array<{ id: string; from: string }> }
    probe.__focusedTabs = () => [...focused.values()].filter(Boolean).length
    probe.__relayed = relayed
  }, name)
}

/** The messages the channel listener in `page` heard a leader relay, in order: id and the leader's tab id. */
export async function relayedIds(page: Page): Promise<Array<{ id: string; from: string }>> {
  return page.evaluate(() => (window as unknown as { __relayed: Array<{ id: string; from: string }> }).__relayed.slice())
}

/** How many tabs the channel listener in `page` last heard report focus. */
export async function focusedTabsReported(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __focusedTabs: () => number }).__focusedTabs())
}

/** The tab's hub as the app holds it (`this.$sse`): status and role even when no panel shows them. */
export async function hubState(page: Page): Promise<{ status: string; role: string }> {
  return page.evaluate(() => {
    const host = document.querySelector('#app') as (Element & { __vue_app__?: { config: { globalProperties: Record<string, unknown> } } }) | null
    const hub = host?.__vue_app__?.config.globalProperties.$sse as { status: string; role: string } | undefined
    if (!hub) throw new Error('The playground app is not mounted')
    return { status: hub.status, role: hub.role }
  })
}

/** Starts recording every role the connection panel shows from now on, the panel coming and going included. */
export async function recordRoles(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = []
    const look = (): void => {
      const role = document.querySelector('[data-test=connection-role]')?.getAttribute('data-role')
      if (role && seen[seen.length - 1] !== role) seen.push(role)
    }
    new MutationObserver(look).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-role'] })
    ;(window as unknown as { __roles: string[] }).__roles = seen
  })
}

/** Roles the panel showed since `recordRoles`, in order, without repeats. */
export async function rolesRecorded(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __roles: string[] }).__roles.slice())
}
