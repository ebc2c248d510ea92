import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createIdWindow } from '../../src/core/idWindow'
import { toRelayedState, type RelayedConnectionState } from '../../src/core/relayedState'
import { createTabShare, type TabPresence, type TabShare, type TabShareOptions } from '../../src/core/tabShare'
import { shareKey } from '../../src/core/userKey'
import { SseError } from '../../src/core/errors'
import type { SseMessage } from '../../src/protocol'
import { createFakeBrowser, type FakeBrowser, type FakeTab } from '../support/fakeTabs'

type Event =
  | { on: 'lead'; lastEventId: string }
  | { on: 'follow' }
  | { on: 'message'; message: SseMessage; notifyHere: boolean }
  | { on: 'state'; state: RelayedConnectionState }
  | { on: 'snapshot'; snapshot: unknown }
  | { on: 'logout' }
  | { on: 'acknowledge'; ids: string[]; clear: boolean }
  | { on: 'retry' }

interface Tab {
  fake: FakeTab
  share: TabShare
  events: Event[]
  presence: TabPresence
  snapshot: unknown
  errors: unknown[]
  messages(): { message: SseMessage; notifyHere: boolean }[]
  leads(): string[]
}

let browser: FakeBrowser
let tabs: Tab[]

beforeEach(() => {
  browser = createFakeBrowser()
  tabs = []
})

afterEach(() => {
  for (const tab of tabs) tab.share.stop()
})

function openTab(key = 'user-1', overrides: Partial<TabShareOptions> = {}): Tab {
  const fake = browser.openTab()
  const events: Event[] = []
  const errors: unknown[] = []
  const tab: Tab = {
    fake,
    events,
    errors,
    presence: { visible: false, focused: false },
    snapshot: { calcs: [], alarms: [] },
    share: undefined as unknown as TabShare,
    messages: () =>
      events.flatMap((e) => (e.on === 'message' ? [{ message: e.message, notifyHere: e.notifyHere }] : [])),
    leads: () => events.flatMap((e) => (e.on === 'lead' ? [e.lastEventId] : [])),
  }
  tab.share = createTabShare({
    key,
    locks: fake.locks,
    BroadcastChannel: fake.BroadcastChannel,
    presence: () => tab.presence,
    getSnapshot: () => tab.snapshot,
    onLead: (lastEventId) => events.push({ on: 'lead', lastEventId }),
    onFollow: () => events.push({ on: 'follow' }),
    onMessage: (message, notifyHere) => events.push({ on: 'message', message, notifyHere }),
    onState: (state) => events.push({ on: 'state', state }),
    onSnapshot: (snapshot) => events.push({ on: 'snapshot', snapshot }),
    onLogout: () => events.push({ on: 'logout' }),
    onAcknowledge: (ids, clear) => events.push({ on: 'acknowledge', ids, clear }),
    onRetry: () => events.push({ on: 'retry' }),
    onError: (error) => errors.push(error),
    ...overrides,
  })
  tabs.push(tab)
  return tab
}

async function startTabs(count: number, key?: string): Promise<Tab[]> {
  const opened: Tab[] = []
  for (let i = 0; i < count; i++) {
    const tab = openTab(key)
    tab.share.start()
    // One at a time, so the first tab opened is the leader, as when a user opens tabs one by one.
    await browser.settle()
    opened.push(tab)
  }
  return opened
}

function msg(id: string, data: unknown = { calcId: id }): SseMessage {
  return { type: '5-2', data, id }
}

function state(overrides: Partial<RelayedConnectionState> = {}): RelayedConnectionState {
  return {
    status: 'open',
    lastEventId: '',
    attempt: 0,
    error: null,
    openedAt: 1_700_000_000_000,
    lastMessageAt: null,
    reconnects: 0,
    ...overrides,
  }
}

/** Leader relays; returns, for every live tab, whether it was told to notify. */
async function relayAndCollect(leader: Tab, message: SseMessage, all: Tab[]): Promise<Map<Tab, boolean>> {
  const before = new Map(all.map((t) => [t, t.messages().length]))
  const here = leader.share.relay(message)
  await browser.settle()
  const result = new Map<Tab, boolean>()
  for (const tab of all) {
    if (tab === leader) {
      result.set(tab, here)
      continue
    }
    const got = tab.messages().slice(before.get(tab))
    expect(got).toHaveLength(1)
    result.set(tab, got[0].notifyHere)
  }
  return result
}

function notifiers(result: Map<Tab, boolean>): Tab[] {
  return [...result].filter(([, here]) => here).map(([tab]) => tab)
}

describe('election', () => {
  it('makes exactly one of three tabs the leader; the others follow once', async () => {
    const [a, b, c] = await startTabs(3)
    expect([a, b, c].map((t) => t.share.role)).toEqual(['leader', 'follower', 'follower'])
    expect(a.leads()).toEqual([''])
    expect(a.events.filter((e) => e.on === 'follow')).toHaveLength(0)
    for (const t of [b, c]) {
      expect(t.leads()).toEqual([])
      expect(t.events.filter((e) => e.on === 'follow')).toHaveLength(1)
    }
    // The election lock is held by the leader's tab only.
    const election = browser.held().filter((l) => l.name === 'vue-sse-hub:user-1')
    expect(election).toEqual([{ name: 'vue-sse-hub:user-1', tab: a.fake.id }])
  })

  it('elects one leader when all tabs start in the same tick', async () => {
    const all = [openTab(), openTab(), openTab()]
    for (const t of all) t.share.start()
    await browser.settle()
    expect(all.filter((t) => t.share.role === 'leader')).toHaveLength(1)
    expect(all.flatMap((t) => t.leads())).toHaveLength(1)
  })

  it('hands over to a waiting tab when the leader stops, resuming from the last relayed id', async () => {
    const [a, b, c] = await startTabs(3)
    a.share.relay(msg('41'))
    a.share.relay(msg('42'))
    await browser.settle()
    expect(b.share.lastEventId).toBe('42')

    a.share.stop()
    a.share.stop() // idempotent
    await browser.settle()

    const leaders = [b, c].filter((t) => t.share.role === 'leader')
    expect(leaders).toHaveLength(1)
    const [next] = leaders
    const other = next === b ? c : b
    expect(next.leads()).toEqual(['42'])
    expect(other.share.role).toBe('follower')
    expect(other.leads()).toEqual([])
    expect(a.share.role).toBe('follower')

    // The new leader relays to the remaining tab; the stopped tab hears nothing more.
    const eventsOfA = a.events.length
    next.share.relay(msg('43'))
    await browser.settle()
    expect(other.messages().map((m) => m.message.id)).toEqual(['41', '42', '43'])
    expect(a.events).toHaveLength(eventsOfA)
  })

  it('hands over when the leader tab crashes without a goodbye', async () => {
    const [a, b, c] = await startTabs(3)
    a.share.relay(msg('7'))
    a.share.relay(msg('8'))
    await browser.settle()

    a.fake.crash()
    await browser.settle()

    const leaders = [b, c].filter((t) => t.share.role === 'leader')
    expect(leaders).toHaveLength(1)
    expect(leaders[0].leads()).toEqual(['8'])
    // No goodbye was posted by the crashed tab.
    expect(browser.posted.filter((p) => p.tab === a.fake.id && (p.data as { kind: string }).kind === 'bye')).toEqual(
      [],
    )
  })

  it('takes the last id of the relayed state when the stream saw ids that were not relayed', async () => {
    const [a, b] = await startTabs(2)
    a.share.relay(msg('10'))
    // e.g. message 11 failed to decode: not relayed, but the connection moved on.
    a.share.relayState(state({ lastEventId: '11' }))
    await browser.settle()
    a.fake.crash()
    await browser.settle()
    expect(b.leads()).toEqual(['11'])
  })

  it('never delivers a message twice when the new leader replays what the dead one sent', async () => {
    const [a, b, c] = await startTabs(3)
    a.share.relay(msg('1'))
    await browser.settle()
    // Posted, then the tab dies at once: the message may reach the others after the lock moved.
    a.share.relay(msg('2'))
    a.fake.crash()
    await browser.settle()
    const next = [b, c].find((t) => t.share.role === 'leader')!
    const other = next === b ? c : b
    // The server replays after the id the new leader resumes from; the hub relays what it gets.
    if (next.leads()[0] === '1') next.share.relay(msg('2'))
    next.share.relay(msg('3'))
    await browser.settle()
    expect(other.messages().map((m) => m.message.id)).toEqual(['1', '2', '3'])
  })

  it('drops a dead leader\'s message that arrives after the new leader replayed it', async () => {
    const [a, b, c] = await startTabs(3)
    a.share.relay(msg('1'))
    await browser.settle()
    const deadLeader = a.share.tabId
    a.fake.crash()
    await browser.settle()
    const next = [b, c].find((t) => t.share.role === 'leader')!
    const other = next === b ? c : b
    expect(next.leads()).toEqual(['1'])
    next.share.relay(msg('2')) // replayed by the server after '1'
    await browser.settle()
    // The dead leader had posted '2' too; the channel delivers it late.
    const late = new (browser.openTab().BroadcastChannel)('vue-sse-hub:user-1')
    late.postMessage({ v: 1, kind: 'message', from: deadLeader, notify: '', message: msg('2') })
    await browser.settle()
    late.close()
    expect(other.messages().map((m) => m.message.id)).toEqual(['1', '2'])
    expect(next.messages().map((m) => m.message.id)).toEqual(['1'])
  })

  it('Redis stream ids (`1700000000000-0`: strings, not numbers) resume and dedupe like any other id', async () => {
    const [a, b, c] = await startTabs(3)
    a.share.relay(msg('1700000000000-0'))
    await browser.settle()
    a.share.relay(msg('1700000000000-1'))
    a.fake.crash()
    await browser.settle()
    const next = [b, c].find((t) => t.share.role === 'leader')!
    const other = next === b ? c : b
    const resumedFrom = next.leads()[0]
    expect(['1700000000000-0', '1700000000000-1']).toContain(resumedFrom)
    // The server replays after the id the new leader resumes from (XRANGE with an exclusive start).
    if (resumedFrom === '1700000000000-0') next.share.relay(msg('1700000000000-1'))
    next.share.relay(msg('1700000000001-0'))
    await browser.settle()
    expect(other.messages().map((m) => m.message.id)).toEqual(['1700000000000-0', '1700000000000-1', '1700000000001-0'])
    expect(other.share.lastEventId).toBe('1700000000001-0')
  })

  it('a tab that stops while waiting for the lock never leads', async () => {
    const [a, b, c] = await startTabs(3)
    b.share.stop()
    await browser.settle()
    a.share.stop()
    await browser.settle()
    expect(b.leads()).toEqual([])
    expect(c.share.role).toBe('leader')
    expect(browser.waiting().filter((w) => w.tab === b.fake.id)).toEqual([])
    expect(browser.held().filter((h) => h.tab === b.fake.id || h.tab === a.fake.id)).toEqual([])
  })

  it('releases every lock and request on stop', async () => {
    const all = await startTabs(3)
    for (const t of all) t.share.stop()
    await browser.settle()
    expect(browser.held()).toEqual([])
    expect(browser.waiting()).toEqual([])
  })
})

describe('relay', () => {
  it('delivers each relayed message to every follower exactly once, with its id, and not back to the leader', async () => {
    const [a, b, c] = await startTabs(3)
    a.share.relay(msg('100', { calcId: 'c1', progress: 40 }))
    a.share.relay(msg('101', { calcId: 'c1', progress: 80 }))
    await browser.settle()
    for (const t of [b, c]) {
      expect(t.messages().map((m) => m.message)).toEqual([
        { type: '5-2', data: { calcId: 'c1', progress: 40 }, id: '100' },
        { type: '5-2', data: { calcId: 'c1', progress: 80 }, id: '101' },
      ])
      expect(t.share.lastEventId).toBe('101')
    }
    expect(a.messages()).toEqual([])
    expect(a.share.lastEventId).toBe('101')
  })

  it('relays messages without ids every time (nothing to dedupe on)', async () => {
    const [a, b] = await startTabs(2)
    a.share.relay(msg(''))
    a.share.relay(msg(''))
    await browser.settle()
    expect(b.messages()).toHaveLength(2)
    expect(b.share.lastEventId).toBe('')
  })

  it('relays every message that carries the previous id (the server put no id on it)', async () => {
    const [a, b] = await startTabs(2)
    // Ids on some events only (e.g. alarms), none on progress ticks: those carry the last id.
    a.share.relay(msg('7', { progress: 10 }))
    a.share.relay(msg('7', { progress: 20 }))
    a.share.relay(msg('7', { progress: 30 }))
    await browser.settle()
    expect(b.messages().map((m) => m.message.data)).toEqual([{ progress: 10 }, { progress: 20 }, { progress: 30 }])
  })

  it('after a failover, relays the new leader\'s messages that carry the id it resumed from', async () => {
    const [a, b, c] = await startTabs(3)
    a.share.relay(msg('1', { progress: 10 }))
    await browser.settle()
    a.fake.crash()
    await browser.settle()
    const next = [b, c].find((t) => t.share.role === 'leader')!
    const other = next === b ? c : b
    expect(next.leads()).toEqual(['1'])
    next.share.relay(msg('1', { progress: 50 }))
    await browser.settle()
    expect(other.messages().map((m) => m.message.data)).toEqual([{ progress: 10 }, { progress: 50 }])
  })

  it('relays the connection state as a plain object, errors included', async () => {
    const [a, b, c] = await startTabs(3)
    const relayed = toRelayedState({
      status: 'reconnecting',
      lastEventId: '9',
      attempt: 2,
      error: new SseError('http', 'Server answered 503', { status: 503 }),
      openedAt: null,
      lastMessageAt: 1_700_000_000_500,
      reconnects: 3,
    })
    a.share.relayState(relayed)
    await browser.settle()
    for (const t of [b, c]) {
      expect(t.events.filter((e) => e.on === 'state')).toEqual([
        {
          on: 'state',
          state: {
            status: 'reconnecting',
            lastEventId: '9',
            attempt: 2,
            error: { kind: 'http', message: 'Server answered 503', status: 503 },
            openedAt: null,
            lastMessageAt: 1_700_000_000_500,
            reconnects: 3,
          },
        },
      ])
    }
    expect(a.events.filter((e) => e.on === 'state')).toEqual([])
  })

  it('lets a follower neither relay nor send state', async () => {
    const [, b, c] = await startTabs(3)
    expect(b.share.relay(msg('5'))).toBe(true)
    b.share.relayState(state())
    await browser.settle()
    expect(c.events.filter((e) => e.on === 'message' || e.on === 'state')).toEqual([])
  })

  it('marks every posted message with the protocol version and sender', async () => {
    const [a] = await startTabs(2)
    a.share.relay(msg('1'))
    await browser.settle()
    expect(browser.posted.length).toBeGreaterThan(0)
    for (const p of browser.posted) expect(p.data).toMatchObject({ v: 1, from: expect.any(String) })
    expect(browser.posted.at(-1)!.data).toMatchObject({ kind: 'message', from: a.share.tabId })
  })

  it('ignores foreign and malformed messages on the channel', async () => {
    const [, b, c] = await startTabs(3)
    const before = [b.events.length, c.events.length]
    const intruder = new (browser.openTab().BroadcastChannel)('vue-sse-hub:user-1')
    for (const data of [
      'hello',
      null,
      [1, 2],
      { kind: 'logout' },
      { v: 2, kind: 'logout', from: 'x' },
      { v: 1, kind: 'logout' },
      { v: 1, kind: 'message', from: 'x', message: { type: 5, id: '1' } },
      { v: 1, kind: 'message', from: 'x', message: 'text' },
      { v: 1, kind: 'state', from: 'x', state: { status: 'open' } },
      { v: 1, kind: 'snapshot', from: 'x', snapshot: {} },
      { v: 1, kind: 'ack', from: 'x' },
      { v: 1, kind: 'ack', from: 'x', ids: 'al-1' },
      { v: 1, kind: 'ack', from: 'x', ids: ['al-1', 2] },
      { v: 1, kind: 'ack', from: 'x', ids: null, clear: true },
      { v: 1, kind: 'unknown', from: 'x' },
    ]) {
      intruder.postMessage(data)
    }
    await browser.settle()
    intruder.close()
    expect([b.events.length, c.events.length]).toEqual(before)
    expect([...b.errors, ...c.errors]).toEqual([])
  })

  it('ignores messages that claim to come from the tab itself', async () => {
    const [, b] = await startTabs(2)
    const intruder = new (browser.openTab().BroadcastChannel)('vue-sse-hub:user-1')
    intruder.postMessage({ v: 1, kind: 'logout', from: b.share.tabId })
    await browser.settle()
    intruder.close()
    expect(b.events.filter((e) => e.on === 'logout')).toEqual([])
  })

  it('reports a message that cannot be cloned and lets the leader notify it itself', async () => {
    const [a, b] = await startTabs(2)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    expect(a.share.relay(msg('1', { run: () => 1 }))).toBe(true)
    expect(a.errors).toHaveLength(1)
    await browser.settle()
    expect(b.messages()).toEqual([])
  })
})

describe('notification choice', () => {
  it('lets the leader notify when no tab is focused and visible', async () => {
    const all = await startTabs(3)
    all[1].presence = { visible: true, focused: false }
    all[2].presence = { visible: false, focused: true }
    window.dispatchEvent(new window.Event('blur'))
    await browser.settle()
    const result = await relayAndCollect(all[0], msg('1'), all)
    expect(notifiers(result)).toEqual([all[0]])
  })

  it('lets the focused visible follower notify, and only it', async () => {
    const a = openTab()
    a.share.start()
    await browser.settle()
    const b = openTab()
    b.presence = { visible: true, focused: true } // reported in its hello
    b.share.start()
    const c = openTab()
    c.share.start()
    await browser.settle()
    const result = await relayAndCollect(a, msg('1'), [a, b, c])
    expect(notifiers(result)).toEqual([b])
  })

  it('follows focus as it moves between tabs', async () => {
    const [a, b, c] = await startTabs(3)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, msg('1'), [a, b, c]))).toEqual([b])

    b.presence = { visible: false, focused: false }
    c.presence = { visible: true, focused: true }
    document.dispatchEvent(new window.Event('visibilitychange'))
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, msg('2'), [a, b, c]))).toEqual([c])

    c.presence = { visible: true, focused: false }
    a.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, msg('3'), [a, b, c]))).toEqual([a])
  })

  it('forgets a focused tab that stops', async () => {
    const [a, b, c] = await startTabs(3)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    b.share.stop()
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, msg('1'), [a, c]))).toEqual([a])
  })

  it('forgets a focused tab that says goodbye on pagehide', async () => {
    const [a, b] = await startTabs(2)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, msg('1'), [a, b]))).toEqual([b])
    window.dispatchEvent(new window.Event('pagehide'))
    await browser.settle()
    expect(a.share.relay(msg('2'))).toBe(true)
  })

  it('forgets a focused tab that crashes without a goodbye', async () => {
    const [a, b, c] = await startTabs(3)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    b.fake.crash()
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, msg('1'), [a, c]))).toEqual([a])
  })

  it('after a failover, the new leader forgets a focused tab that died before it led', async () => {
    const [a, b, c] = await startTabs(3)
    c.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    c.fake.crash()
    a.fake.crash()
    await browser.settle()
    expect(b.share.role).toBe('leader')
    expect(b.share.relay(msg('1'))).toBe(true)
  })

  it('after a failover, the new leader knows who is focused', async () => {
    const [a, b, c] = await startTabs(3)
    a.fake.crash()
    // c was focused all along, before the new leader was elected.
    c.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    const next = [b, c].find((t) => t.share.role === 'leader')!
    const result = await relayAndCollect(next, msg('1'), [b, c])
    expect(notifiers(result)).toEqual([c])
  })
})

describe('late joiners', () => {
  it('gives a tab that joins the leader snapshot and state', async () => {
    const [a, b] = await startTabs(2)
    a.snapshot = { calcs: [{ id: 'c1', progress: 55 }], alarms: [{ id: 'al-1', read: false }] }
    a.share.relay(msg('20'))
    a.share.relayState(state({ lastEventId: '20', lastMessageAt: 1_700_000_001_000 }))
    await browser.settle()
    const snapshotsOfB = b.events.filter((e) => e.on === 'snapshot').length

    const [d] = await startTabs(1)
    expect(d.share.role).toBe('follower')
    expect(d.events.filter((e) => e.on === 'snapshot')).toEqual([
      { on: 'snapshot', snapshot: { calcs: [{ id: 'c1', progress: 55 }], alarms: [{ id: 'al-1', read: false }] } },
    ])
    expect(d.events.filter((e) => e.on === 'state')).toEqual([
      { on: 'state', state: state({ lastEventId: '20', lastMessageAt: 1_700_000_001_000 }) },
    ])
    expect(d.share.lastEventId).toBe('20')
    // Only the tab that asked gets a snapshot.
    expect(b.events.filter((e) => e.on === 'snapshot')).toHaveLength(snapshotsOfB)
    // Nothing for the leader to adopt.
    expect(a.events.filter((e) => e.on === 'snapshot')).toEqual([])
  })

  it('gets the snapshot from the next leader when it joined while there was none', async () => {
    const [a, b] = await startTabs(2)
    b.snapshot = { calcs: ['from b'] }
    a.fake.crash()
    const c = openTab()
    c.share.start()
    await browser.settle()
    expect(b.share.role).toBe('leader')
    expect(c.share.role).toBe('follower')
    expect(c.events.filter((e) => e.on === 'snapshot')).toEqual([{ on: 'snapshot', snapshot: { calcs: ['from b'] } }])
  })

  it('asks the new leader again when its hello reached only a leader that died', async () => {
    const [a, b] = await startTabs(2)
    b.snapshot = { calcs: ['from b'] }
    // The leader dies right after the new tab says hello, before it can answer.
    const Base = browser.openTab().BroadcastChannel
    class CrashLeaderOnHello extends Base {
      override postMessage(message: unknown): void {
        super.postMessage(message)
        if ((message as { kind?: string }).kind === 'hello') a.fake.crash()
      }
    }
    const c = openTab('user-1', { BroadcastChannel: CrashLeaderOnHello })
    c.share.start()
    await browser.settle()
    expect(a.fake.crashed).toBe(true)
    expect(b.share.role).toBe('leader')
    expect(c.events.filter((e) => e.on === 'snapshot')).toEqual([{ on: 'snapshot', snapshot: { calcs: ['from b'] } }])
  })

  it('reports a snapshot that cannot be cloned instead of failing', async () => {
    const [a] = await startTabs(1)
    a.snapshot = { fn: () => 1 }
    const [d] = await startTabs(1)
    expect(a.errors).toHaveLength(1)
    expect(d.events.filter((e) => e.on === 'snapshot')).toEqual([])
    expect(d.share.role).toBe('follower')
  })
})

describe('logout', () => {
  it('reaches every other tab, leader included, but not the sender', async () => {
    const [a, b, c] = await startTabs(3)
    b.share.broadcastLogout()
    await browser.settle()
    expect(a.events.filter((e) => e.on === 'logout')).toHaveLength(1)
    expect(c.events.filter((e) => e.on === 'logout')).toHaveLength(1)
    expect(b.events.filter((e) => e.on === 'logout')).toHaveLength(0)
  })

  it('still reaches the others when the sender stops right after', async () => {
    const [a, b] = await startTabs(2)
    a.share.broadcastLogout()
    a.share.stop()
    await browser.settle()
    expect(b.events.filter((e) => e.on === 'logout')).toHaveLength(1)
  })
})

describe('alarm acknowledgements', () => {
  const acks = (tab: Tab): Event[] => tab.events.filter((e) => e.on === 'acknowledge')

  it('reach every other tab, whether a follower or the leader sends them, but not the sender', async () => {
    const [a, b, c] = await startTabs(3)
    b.share.broadcastAcknowledge(['al-1', 'al-2'], false)
    await browser.settle()
    for (const tab of [a, c]) expect(acks(tab)).toEqual([{ on: 'acknowledge', ids: ['al-1', 'al-2'], clear: false }])
    expect(acks(b)).toEqual([])

    a.share.broadcastAcknowledge([], true)
    await browser.settle()
    for (const tab of [b, c]) expect(acks(tab).at(-1)).toEqual({ on: 'acknowledge', ids: [], clear: true })
    expect(acks(a)).toHaveLength(1)
    expect(browser.posted.filter((p) => (p.data as { kind: string }).kind === 'ack')).toHaveLength(2)
  })

  it('reads only a list of ids and clear: true as a clear', async () => {
    const [, b] = await startTabs(2)
    const intruder = new (browser.openTab().BroadcastChannel)('vue-sse-hub:user-1')
    intruder.postMessage({ v: 1, kind: 'ack', from: 'x', ids: ['al-1'], clear: 'yes' })
    intruder.postMessage({ v: 1, kind: 'ack', from: 'x', ids: [], clear: true })
    await browser.settle()
    intruder.close()
    expect(acks(b)).toEqual([
      { on: 'acknowledge', ids: ['al-1'], clear: false },
      { on: 'acknowledge', ids: [], clear: true },
    ])
  })

  it('go nowhere before the tab joined the group', () => {
    const a = openTab()
    a.share.broadcastAcknowledge(['al-1'], false)
    a.share.start()
    expect(browser.posted).toEqual([])
  })
})

describe('retry after the stream gave up', () => {
  it("a follower's request reaches the leader only; a leader does not ask", async () => {
    const [a, b, c] = await startTabs(3)
    const retries = (tab: Tab): number => tab.events.filter((e) => e.on === 'retry').length
    b.share.requestRetry()
    await browser.settle()
    expect([retries(a), retries(b), retries(c)]).toEqual([1, 0, 0])
    a.share.requestRetry()
    await browser.settle()
    expect([retries(a), retries(b), retries(c)]).toEqual([1, 0, 0])
  })
})

describe('isolation', () => {
  it('never lets tabs of different keys see each other', async () => {
    const [a1, a2] = await startTabs(2, 'user-a')
    const [b1, b2] = await startTabs(2, 'user-b')
    expect([a1, a2, b1, b2].map((t) => t.share.role)).toEqual(['leader', 'follower', 'leader', 'follower'])
    a1.share.relay(msg('1'))
    a1.share.broadcastLogout()
    b1.share.relay(msg('2'))
    await browser.settle()
    expect(a2.messages().map((m) => m.message.id)).toEqual(['1'])
    expect(b2.messages().map((m) => m.message.id)).toEqual(['2'])
    expect(b1.events.filter((e) => e.on === 'logout')).toEqual([])
    expect(b2.events.filter((e) => e.on === 'logout')).toEqual([])
  })
})

describe('fallback', () => {
  it.each([
    ['no Web Locks', { locks: null }],
    ['no BroadcastChannel', { BroadcastChannel: null }],
  ] as const)('runs solo with %s: leads at once, relays nothing', async (_, missing) => {
    const a = openTab('user-1', missing)
    const b = openTab('user-1', missing)
    a.share.start()
    expect(a.share.role).toBe('solo')
    expect(a.leads()).toEqual([''])
    b.share.start()
    expect(b.share.role).toBe('solo')
    expect(b.leads()).toEqual([''])
    expect(a.share.relay(msg('1'))).toBe(true)
    a.share.relayState(state())
    a.share.broadcastLogout()
    a.share.broadcastAcknowledge(['al-1'], false)
    await browser.settle()
    expect(browser.posted).toEqual([])
    expect(b.events).toEqual([{ on: 'lead', lastEventId: '' }])
  })

  describe('platform defaults', () => {
    afterEach(() => {
      vi.unstubAllGlobals()
    })

    function bare(events: string[]): TabShare {
      return createTabShare({
        key: 'k',
        getSnapshot: () => null,
        onLead: (id) => events.push(`lead:${id}`),
        onFollow: () => events.push('follow'),
        onMessage: () => {},
        onState: () => {},
        onSnapshot: () => {},
        onLogout: () => {},
        onAcknowledge: () => {},
        onRetry: () => {},
      })
    }

    it('runs solo when the page has no BroadcastChannel', () => {
      vi.stubGlobal('BroadcastChannel', undefined)
      const events: string[] = []
      const share = bare(events)
      share.start()
      expect(share.role).toBe('solo')
      expect(events).toEqual(['lead:'])
      share.stop()
    })

    it('runs solo when the page has no navigator.locks', () => {
      const fake = browser.openTab()
      vi.stubGlobal('BroadcastChannel', fake.BroadcastChannel)
      vi.stubGlobal('navigator', {})
      const events: string[] = []
      const share = bare(events)
      share.start()
      expect(share.role).toBe('solo')
      share.stop()
    })

    it('uses navigator.locks and BroadcastChannel of the page', async () => {
      const fake = browser.openTab()
      vi.stubGlobal('BroadcastChannel', fake.BroadcastChannel)
      vi.stubGlobal('navigator', { locks: fake.locks })
      const events: string[] = []
      const first = bare(events)
      const second = bare(events)
      first.start()
      await browser.settle()
      second.start()
      await browser.settle()
      expect([first.role, second.role]).toEqual(['leader', 'follower'])
      expect(events).toEqual(['lead:', 'follow'])
      first.stop()
      second.stop()
    })
  })

  it('falls back to solo when lock requests fail (e.g. an opaque origin)', async () => {
    const fake = browser.openTab()
    const locks = {
      request: () => Promise.reject(new DOMException('denied', 'SecurityError')),
      query: () => Promise.reject(new DOMException('denied', 'SecurityError')),
    } as unknown as LockManager
    const a = openTab('user-1', { locks, BroadcastChannel: fake.BroadcastChannel })
    a.share.start()
    await browser.settle()
    expect(a.share.role).toBe('solo')
    expect(a.leads()).toEqual([''])
    expect(a.errors).toHaveLength(1)
  })

  it('calls nothing back after stop', async () => {
    const [a, b] = await startTabs(2)
    b.share.stop()
    const count = b.events.length
    a.share.relay(msg('1'))
    a.share.relayState(state())
    a.share.broadcastLogout()
    a.share.broadcastAcknowledge(['al-1'], false)
    a.share.stop()
    await browser.settle()
    expect(b.events).toHaveLength(count)
    expect(b.share.role).toBe('follower')
  })

  it('keeps its role when a callback throws', async () => {
    const a = openTab('user-1', {
      onLead: () => {
        throw new Error('boom')
      },
    })
    a.share.start()
    await browser.settle()
    const [b] = await startTabs(1)
    expect(a.share.role).toBe('leader')
    expect(a.errors).toHaveLength(1)
    expect(b.share.role).toBe('follower')
  })
})

describe('createIdWindow', () => {
  it('says whether an id was seen, recording it', () => {
    const ids = createIdWindow(3)
    expect(ids.seen('a')).toBe(false)
    expect(ids.seen('a')).toBe(true)
    expect(ids.seen('b')).toBe(false)
    expect(ids.seen('a')).toBe(true)
    expect(ids.seen('b')).toBe(true)
  })

  it('forgets the oldest ids beyond its limit', () => {
    const ids = createIdWindow(3)
    for (const id of ['1', '2', '3', '4']) expect(ids.seen(id)).toBe(false)
    expect(ids.seen('2')).toBe(true)
    expect(ids.seen('3')).toBe(true)
    expect(ids.seen('4')).toBe(true)
    expect(ids.seen('1')).toBe(false) // forgotten, now recorded again, pushing out '2'
    expect(ids.seen('2')).toBe(false)
  })

  it('stays bounded over a long session', () => {
    const ids = createIdWindow(100)
    for (let i = 0; i < 100_000; i++) ids.seen(String(i))
    expect(ids.seen('99999')).toBe(true)
    expect(ids.seen('99900')).toBe(true)
    expect(ids.seen('0')).toBe(false)
    expect(ids.seen('99899')).toBe(false)
  })

  it('never treats the empty id as seen', () => {
    const ids = createIdWindow()
    expect(ids.seen('')).toBe(false)
    expect(ids.seen('')).toBe(false)
  })

  it('rejects a limit that is not a positive integer', () => {
    expect(() => createIdWindow(0)).toThrow(TypeError)
    expect(() => createIdWindow(1.5)).toThrow(TypeError)
    expect(() => createIdWindow(Number.NaN)).toThrow(TypeError)
  })
})

describe('shareKey', () => {
  function base64url(text: string): string {
    return Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  }
  function jwt(payload: Record<string, unknown>): string {
    return `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.c2lnbmF0dXJl`
  }

  it('keys a JWT by its subject: a refreshed token of the same user shares', () => {
    const first = jwt({ sub: 'user-42', iat: 1, exp: 100 })
    const refreshed = jwt({ sub: 'user-42', iat: 90, exp: 190, scope: 'admin' })
    expect(first).not.toBe(refreshed)
    expect(shareKey('/api/sse', first)).toBe(shareKey('/api/sse', refreshed))
    expect(shareKey('/api/sse', first)).not.toBe(shareKey('/api/sse', jwt({ sub: 'user-43', iat: 1 })))
    expect(shareKey('/api/sse', jwt({ sub: 7 }))).toBe(shareKey('/api/sse', jwt({ sub: 7, iat: 5 })))
    expect(shareKey('/api/sse', `Bearer ${first}`)).toBe(shareKey('/api/sse', first))
  })

  it('decodes base64url payloads (non-ASCII subjects, "-" and "_" characters)', () => {
    // These subjects encode to payloads containing '-' and '_' and need padding.
    const subjects = ['运维-管理员', 'ü>>>?', 'a~~~', 'zz?>']
    const keys = subjects.map((sub) => shareKey('/sse', jwt({ sub, iat: 1 })))
    const again = subjects.map((sub) => shareKey('/sse', jwt({ sub, iat: 2, n: 'x' })))
    expect(subjects.some((s) => /[-_]/.test(base64url(JSON.stringify({ sub: s, iat: 1 }))))).toBe(true)
    expect(keys).toEqual(again)
    expect(new Set(keys).size).toBe(subjects.length)
  })

  it('hashes an opaque token and never puts it in the key', () => {
    const token = 'opaque-secret-token-0123456789'
    const key = shareKey('/api/sse', token)
    expect(key).not.toContain(token)
    expect(key).not.toContain('secret')
    expect(key).toBe(shareKey('/api/sse', token))
    expect(key).not.toBe(shareKey('/api/sse', 'opaque-secret-token-0123456780'))
    // A JWT without a subject is treated as opaque: not its parts either.
    const noSub = jwt({ name: 'x' })
    for (const part of noSub.split('.')) expect(shareKey('/api/sse', noSub)).not.toContain(part)
    expect(shareKey('/api/sse', noSub)).not.toBe(shareKey('/api/sse', jwt({ name: 'y' })))
  })

  it('puts neither the JWT nor the url text in the key', () => {
    const token = jwt({ sub: 'user-42' })
    const key = shareKey('/api/sse?access_token=abc', token)
    for (const part of token.split('.')) expect(key).not.toContain(part)
    expect(key).not.toContain('user-42')
    expect(key).not.toContain('abc')
    expect(key).toMatch(/^[0-9a-z.]+$/)
  })

  it('keys cookie sessions by the url alone', () => {
    expect(shareKey('/api/sse', '')).toBe(shareKey('/api/sse', null))
    expect(shareKey('/api/sse', undefined)).toBe(shareKey('/api/sse', null))
    expect(shareKey('/api/sse', '')).not.toBe(shareKey('/api/sse', 'token'))
  })

  it('separates urls', () => {
    const token = jwt({ sub: 'u' })
    expect(shareKey('/api/sse', token)).not.toBe(shareKey('/api/sse2', token))
    expect(shareKey('/a', null)).not.toBe(shareKey('/b', null))
  })
})
