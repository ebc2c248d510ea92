// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest'
import { alarmTitlesOf, createTabbedApp } from '../support/fakeTabHubs'
import type { HubTab, TabbedApp } from '../support/fakeTabHubs'

// The delivery promises across tabs, with whole hubs in fake tabs against a fake server: nothing
// lost, nothing twice, and no user ever sees another user's messages, across hand-overs and account
// switches.

let app: TabbedApp | undefined

afterEach(() => {
  app?.dispose()
  app = undefined
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

const alarm = (title: string): Record<string, unknown> => ({ level: 'warning', title, content: 'P-7' })

/** Sends `count` alarms to `user`, titled `<user> <n>`; returns the titles. */
function burst(target: TabbedApp, user: string, from: number, count: number): string[] {
  const titles: string[] = []
  for (let n = from; n < from + count; n++) {
    titles.push(`${user} ${n}`)
    target.server.send(user, '4', alarm(`${user} ${n}`))
  }
  return titles
}

/** Stream requests of `user`: each carries no id, or one of the user's own. */
function expectOwnIdsOnly(target: TabbedApp, user: string): void {
  for (const request of target.server.requests.filter((r) => r.user === user)) {
    if (request.lastEventId !== null) expect(target.server.isIdOf(user, request.lastEventId), `${user} resumed from ${request.lastEventId}`).toBe(true)
  }
}

/** Cookie login: in `tab`, the user signs out and `setCookie` signs the next one in, in one step. */
function switchAccount(tab: HubTab, setCookie: () => void): void {
  tab.act(() => {
    tab.login.value = false
    setCookie()
    tab.login.value = true
  })
}

const heardTitles = (tab: HubTab): string[] => tab.heard.map((m) => String((m.data as { title?: unknown }).title))

describe('an account switch in a shared tab', () => {
  it("cookie login: the new user never gets the previous user's alarms nor resumes from their id", async () => {
    let cookie = 'alice'
    app = createTabbedApp({ cookie: true, userOf: () => cookie })
    const a = app.openTab(true)
    await app.settle()
    const b = app.openTab(true)
    await app.settle()
    expect([a.hub.role, b.hub.role]).toEqual(['leader', 'follower'])
    burst(app, 'alice', 1, 5)
    await app.settle()
    expect(alarmTitlesOf(b)).toHaveLength(5)

    // The leader is still delivering alice's burst when, in the other tab, alice signs out and bob in.
    burst(app, 'alice', 6, 50)
    switchAccount(b, () => (cookie = 'bob'))
    await app.settle()
    const bobs = burst(app, 'bob', 1, 3)
    await app.settle()

    expect(b.hub.role).toBe('leader')
    expect(alarmTitlesOf(b)).toEqual(bobs)
    expect(heardTitles(b).filter((title) => title.startsWith('alice'))).toHaveLength(5)
    expect(heardTitles(b).slice(5)).toEqual(bobs)
    expectOwnIdsOnly(app, 'bob')
    // The first tab heard the logout: it dropped alice's stream and data.
    expect(a.hub.status).toBe('closed')
    expect(alarmTitlesOf(a)).toEqual([])
    expect(app.server.openStreams('alice')).toBe(0)
  })

  it('token login, same key: a logout and a login in one tick start a login of their own', async () => {
    app = createTabbedApp({ cookie: false })
    const a = app.openTab('alice')
    await app.settle()
    const b = app.openTab('alice')
    await app.settle()
    burst(app, 'alice', 1, 3)
    await app.settle()
    burst(app, 'alice', 4, 40)
    b.act(() => {
      b.login.value = null
      b.login.value = 'alice'
    })
    await app.settle()
    const after = burst(app, 'alice', 44, 2)
    await app.settle()
    // Signed in again: what came before belongs to the previous login.
    expect(alarmTitlesOf(b)).toEqual(after)
    expectOwnIdsOnly(app, 'alice')
    expect(app.server.requests.at(-1)).toMatchObject({ tab: b.id, lastEventId: null })
    expect(a.hub.status).toBe('closed')
  })
})

describe('a tab that joined late takes over', () => {
  /** Alice's first tab leads and got alarms 1-3; a second tab joins; returns both. */
  async function leaderWithLateTab(target: TabbedApp, beforeJoin: () => Promise<void> = async () => {}) {
    const a = target.openTab('alice')
    await target.settle()
    burst(target, 'alice', 1, 3)
    await target.settle()
    await beforeJoin()
    const b = target.openTab('alice')
    await target.settle()
    expect(b.hub.role).toBe('follower')
    return { a, b }
  }

  it('resumes from the last id delivered, so what was sent during the hand-over arrives', async () => {
    app = createTabbedApp({ cookie: false })
    const { a, b } = await leaderWithLateTab(app)
    expect(alarmTitlesOf(b)).toEqual(['alice 1', 'alice 2', 'alice 3'])
    const lastId = app.server.sentTo('alice').at(-1)!.id

    a.close()
    const handover = burst(app, 'alice', 4, 2)
    await app.settle()
    expect(b.hub.role).toBe('leader')
    expect(app.server.requests.at(-1)).toMatchObject({ tab: b.id, lastEventId: lastId })
    expect(alarmTitlesOf(b)).toEqual(['alice 1', 'alice 2', 'alice 3', ...handover])
    expect(heardTitles(b)).toEqual(handover)
  })

  it('after the first leader reconnected, resumes from the last id, not the reconnect id: nothing twice', async () => {
    app = createTabbedApp({ cookie: false })
    const { a, b } = await leaderWithLateTab(app, async () => {
      app!.server.drop('alice')
      await app!.settle()
      burst(app!, 'alice', 4, 2)
      await app!.settle()
    })
    expect(alarmTitlesOf(b)).toHaveLength(5)
    const lastId = app.server.sentTo('alice').at(-1)!.id

    a.crash()
    await app.settle()
    const after = burst(app, 'alice', 6, 1)
    await app.settle()
    expect(app.server.requests.at(-1)).toMatchObject({ tab: b.id, lastEventId: lastId })
    // The replay of 4 and 5 (already in the snapshot) would reach the listeners a second time.
    expect(heardTitles(b)).toEqual(after)
    expect(b.hub.store!.stats.received).toBe(6)
  })

  it('with a server that replays from the resume event itself, delivers it once', async () => {
    app = createTabbedApp({ cookie: false, replay: 'from' })
    const { a, b } = await leaderWithLateTab(app)
    a.close()
    await app.settle()
    const after = burst(app, 'alice', 4, 1)
    await app.settle()
    expect(heardTitles(b)).toEqual(after)
    expect(alarmTitlesOf(b)).toEqual(['alice 1', 'alice 2', 'alice 3', 'alice 4'])
  })
})

describe('Redis stream ids (`1700000000000-0`: strings, not numbers)', () => {
  // Two entries per millisecond, as XADD numbers them.
  const redisId = (n: number): string => `${1_700_000_000_000 + Math.floor((n - 1) / 2)}-${(n - 1) % 2}`

  it.each(['after', 'from'] as const)('a tab that joined late resumes from the last one and delivers each alarm once (replay %s it)', async (replay) => {
    app = createTabbedApp({ cookie: false, replay, idOf: redisId })
    const a = app.openTab('alice')
    await app.settle()
    burst(app, 'alice', 1, 2)
    await app.settle()
    const b = app.openTab('alice')
    await app.settle()
    burst(app, 'alice', 3, 1)
    await app.settle()
    expect(app.server.sentTo('alice').map((event) => event.id)).toEqual(['1700000000000-0', '1700000000000-1', '1700000000001-0'])

    a.crash()
    await app.settle()
    const after = burst(app, 'alice', 4, 2)
    await app.settle()
    expect(b.hub.role).toBe('leader')
    expect(app.server.requests.at(-1)).toMatchObject({ tab: b.id, lastEventId: '1700000000001-0' })
    expect(heardTitles(b)).toEqual(['alice 3', ...after])
    expect(alarmTitlesOf(b)).toEqual(['alice 1', 'alice 2', 'alice 3', ...after])
    expect(b.hub.store!.connection.lastEventId).toBe('1700000000002-0')
  })
})

describe('a payload structured clone cannot copy', () => {
  /** JSON nested `depth` levels deep: parses, but neither structured clone nor JSON.stringify copies it. */
  const deep = (depth: number): string => `${'{"next":'.repeat(depth)}{}${'}'.repeat(depth)}`

  it('reaches the other tabs, and costs a tab that joins later only its own payload', async () => {
    app = createTabbedApp({ cookie: false })
    const a = app.openTab('alice')
    await app.settle()
    const b = app.openTab('alice')
    await app.settle()
    app.server.sendJson('alice', '4', `{"alarmId":"deep","level":"error","title":"alice deep","nested":${deep(5000)}}`)
    burst(app, 'alice', 1, 2)
    await app.settle()
    expect(alarmTitlesOf(b)).toEqual(['alice deep', 'alice 1', 'alice 2'])
    expect(heardTitles(b)).toEqual(['alice deep', 'alice 1', 'alice 2'])

    const c = app.openTab('alice')
    await app.settle()
    expect(c.hub.role).toBe('follower')
    expect(alarmTitlesOf(c)).toEqual(['alice deep', 'alice 1', 'alice 2'])
    expect(c.hub.store!.alarms.find((x) => x.id === 'deep')!.data).toEqual({})
    expect(a.errors.map((e) => e.message)).toEqual([expect.stringMatching(/payload of alarm deep cannot be written/)])
    burst(app, 'alice', 3, 1)
    await app.settle()
    expect(alarmTitlesOf(c)).toEqual(['alice deep', 'alice 1', 'alice 2', 'alice 3'])
  })
})

describe('who a tab listens to', () => {
  it('with debug: true, says what it dropped and how many so far', async () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
    let cookie = 'alice'
    app = createTabbedApp({ cookie: true, userOf: () => cookie, hub: { debug: true } })
    app.openTab(true)
    await app.settle()
    const b = app.openTab(true)
    await app.settle()
    burst(app, 'alice', 1, 20)
    switchAccount(b, () => (cookie = 'bob'))
    await app.settle()
    const drops = debug.mock.calls.filter((args) => String(args[1]).startsWith('dropped a tab message'))
    expect(drops.length).toBeGreaterThan(0)
    expect(drops.at(-1)![1]).toMatch(new RegExp(`\\(${drops.length} so far\\)`))
    expect(String(drops[0][2])).toMatch(/^message from tab \w+: no leader known yet/)
  })
})
