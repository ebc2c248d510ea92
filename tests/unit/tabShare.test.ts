import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { toRelayedState, type RelayedConnectionState } from '../../src/core/relayedState'
import { createEndedLogins } from '../../src/core/tabGroup'
import {
  createTabShare,
  type GroupSnapshot,
  type RelayedMessage,
  type TabPresence,
  type TabShare,
  type TabShareOptions,
} from '../../src/core/tabShare'
import { NAME_PREFIX } from '../../src/core/tabShareWire'
import { shareKey } from '../../src/core/shareKey'
import { SseError } from '../../src/core/errors'
import type { SseMessage } from '../../src/core/protocol'
import { createFakeBrowser, type FakeBrowser, type FakeTab } from '../support/fakeTabs'

type Event =
  | { on: 'lead' }
  | { on: 'follow' }
  | { on: 'message'; relayed: RelayedMessage; notifyHere: boolean }
  | { on: 'state'; state: RelayedConnectionState }
  | { on: 'snapshot'; snapshot: GroupSnapshot }
  | { on: 'logout' }
  | { on: 'regroup' }
  | { on: 'acknowledge'; ids: string[]; clear: boolean }
  | { on: 'retry' }

interface Tab {
  fake: FakeTab
  share: TabShare
  events: Event[]
  presence: TabPresence
  snapshot: unknown
  resumeId: string
  errors: unknown[]
  drops: string[]
  messages(): { message: SseMessage; eventId: string | undefined; notifyHere: boolean }[]
  leads(): number
}

const CHANNEL = `${NAME_PREFIX}user-1`

let browser: FakeBrowser
let tabs: Tab[]

beforeEach(() => {
  browser = createFakeBrowser()
  tabs = []
})

afterEach(() => {
  for (const tab of tabs) tab.share.stop()
})

function openTab(key = 'user-1', overrides: Partial<TabShareOptions> = {}, fake = browser.openTab()): Tab {
  const events: Event[] = []
  const errors: unknown[] = []
  const drops: string[] = []
  const tab: Tab = {
    fake,
    events,
    errors,
    drops,
    presence: { visible: false, focused: false },
    snapshot: { calcs: [], alarms: [] },
    resumeId: '',
    share: undefined as unknown as TabShare,
    messages: () =>
      events.flatMap((e) =>
        e.on === 'message' && 'message' in e.relayed
          ? [{ message: e.relayed.message, eventId: e.relayed.eventId, notifyHere: e.notifyHere }]
          : [],
      ),
    leads: () => events.filter((e) => e.on === 'lead').length,
  }
  tab.share = createTabShare({
    key,
    locks: fake.locks,
    BroadcastChannel: fake.BroadcastChannel,
    presence: () => tab.presence,
    getSnapshot: () => ({ data: tab.snapshot, resumeId: tab.resumeId }),
    onLead: () => events.push({ on: 'lead' }),
    onFollow: () => events.push({ on: 'follow' }),
    onMessage: (relayed, notifyHere) => events.push({ on: 'message', relayed, notifyHere }),
    onState: (state) => events.push({ on: 'state', state }),
    onSnapshot: (snapshot) => events.push({ on: 'snapshot', snapshot }),
    onLogout: () => events.push({ on: 'logout' }),
    onRegroup: () => events.push({ on: 'regroup' }),
    onAcknowledge: (ids, clear) => events.push({ on: 'acknowledge', ids, clear }),
    onRetry: () => events.push({ on: 'retry' }),
    onError: (error) => errors.push(error),
    onDrop: (reason) => drops.push(reason),
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

/** The leader relays a message with its own id `id` (none when ''). */
function relay(tab: Tab, id: string, data?: unknown): boolean {
  return tab.share.relay(msg(id, data), id === '' ? undefined : id)
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
async function relayAndCollect(leader: Tab, id: string, all: Tab[]): Promise<Map<Tab, boolean>> {
  const before = new Map(all.map((t) => [t, t.messages().length]))
  const here = relay(leader, id)
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

/** A channel object of a tab of its own, for posting what no tab of ours would. */
function intruder(): BroadcastChannel {
  return new (browser.openTab().BroadcastChannel)(CHANNEL)
}

describe('election', () => {
  it('makes exactly one of three tabs the leader; the others follow once', async () => {
    const [a, b, c] = await startTabs(3)
    expect([a, b, c].map((t) => t.share.role)).toEqual(['leader', 'follower', 'follower'])
    expect(a.leads()).toBe(1)
    expect(a.events.filter((e) => e.on === 'follow')).toHaveLength(0)
    for (const t of [b, c]) {
      expect(t.leads()).toBe(0)
      expect(t.events.filter((e) => e.on === 'follow')).toHaveLength(1)
    }
    // The election lock is held by the leader's tab only.
    const election = browser.held().filter((l) => l.name === CHANNEL)
    expect(election).toEqual([{ name: CHANNEL, tab: a.fake.id }])
    // All three belong to the login the leader started.
    expect(a.share.login).not.toBe('')
    expect([b.share.login, c.share.login]).toEqual([a.share.login, a.share.login])
  })

  it('elects one leader when all tabs start in the same tick', async () => {
    const all = [openTab(), openTab(), openTab()]
    for (const t of all) t.share.start()
    await browser.settle()
    expect(all.filter((t) => t.share.role === 'leader')).toHaveLength(1)
    expect(all.reduce((sum, t) => sum + t.leads(), 0)).toBe(1)
    expect(new Set(all.map((t) => t.share.login)).size).toBe(1)
  })

  it('hands over to a waiting tab when the leader stops; the new leader keeps the login', async () => {
    const [a, b, c] = await startTabs(3)
    const login = a.share.login
    relay(a, '41')
    relay(a, '42')
    await browser.settle()

    a.share.stop()
    a.share.stop() // idempotent
    await browser.settle()

    const leaders = [b, c].filter((t) => t.share.role === 'leader')
    expect(leaders).toHaveLength(1)
    const [next] = leaders
    const other = next === b ? c : b
    expect(next.leads()).toBe(1)
    expect(next.share.login).toBe(login)
    expect(other.share.role).toBe('follower')
    expect(other.leads()).toBe(0)
    expect(a.share.role).toBe('follower')

    // The new leader relays to the remaining tab; the stopped tab hears nothing more.
    const eventsOfA = a.events.length
    relay(next, '43')
    await browser.settle()
    expect(other.messages().map((m) => m.message.id)).toEqual(['41', '42', '43'])
    expect(a.events).toHaveLength(eventsOfA)
  })

  it('hands over when the leader tab crashes without a goodbye', async () => {
    const [a, b, c] = await startTabs(3)
    relay(a, '7')
    await browser.settle()

    a.fake.crash()
    await browser.settle()

    const leaders = [b, c].filter((t) => t.share.role === 'leader')
    expect(leaders).toHaveLength(1)
    expect(leaders[0].leads()).toBe(1)
    // No goodbye was posted by the crashed tab.
    expect(browser.posted.filter((p) => p.tab === a.fake.id && (p.data as { kind: string }).kind === 'bye')).toEqual(
      [],
    )
  })

  it("drops a dead leader's message that arrives after the new leader took over", async () => {
    const [a, b, c] = await startTabs(3)
    relay(a, '1')
    await browser.settle()
    const deadLeader = a.share.tabId
    a.fake.crash()
    await browser.settle()
    const next = [b, c].find((t) => t.share.role === 'leader')!
    const other = next === b ? c : b
    relay(next, '2') // replayed by the server after '1'
    await browser.settle()
    // The dead leader had posted '3' too; the channel delivers it late.
    const late = intruder()
    late.postMessage({ v: 2, kind: 'message', from: deadLeader, login: a.share.login, notify: '', relayed: { message: msg('3'), eventId: '3' } })
    await browser.settle()
    late.close()
    expect(other.messages().map((m) => m.message.id)).toEqual(['1', '2'])
    expect(next.messages().map((m) => m.message.id)).toEqual(['1'])
    expect(other.share.dropped).toBe(1)
    expect(next.share.dropped).toBe(1)
    expect(other.drops).toEqual([expect.stringMatching(/^message from tab \w+: not the leader of this login$/)])
  })

  it('a tab that stops while waiting for the lock never leads', async () => {
    const [a, b, c] = await startTabs(3)
    b.share.stop()
    await browser.settle()
    a.share.stop()
    await browser.settle()
    expect(b.leads()).toBe(0)
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
  it('delivers each relayed message to every follower exactly once, with its own id, and not back to the leader', async () => {
    const [a, b, c] = await startTabs(3)
    relay(a, '100', { calcId: 'c1', progress: 40 })
    a.share.relay(msg('100', { calcId: 'c1', progress: 60 }), undefined)
    relay(a, '101', { calcId: 'c1', progress: 80 })
    await browser.settle()
    for (const t of [b, c]) {
      expect(t.messages().map(({ message, eventId }) => ({ message, eventId }))).toEqual([
        { message: { type: '5-2', data: { calcId: 'c1', progress: 40 }, id: '100' }, eventId: '100' },
        { message: { type: '5-2', data: { calcId: 'c1', progress: 60 }, id: '100' }, eventId: undefined },
        { message: { type: '5-2', data: { calcId: 'c1', progress: 80 }, id: '101' }, eventId: '101' },
      ])
    }
    expect(a.messages()).toEqual([])
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
    expect(relay(b, '5')).toBe(true)
    b.share.relayState(state())
    await browser.settle()
    expect(c.events.filter((e) => e.on === 'message' || e.on === 'state')).toEqual([])
  })

  it('marks every posted message with the protocol version, the sender and, past the greeting, the login', async () => {
    const [a] = await startTabs(2)
    relay(a, '1')
    await browser.settle()
    expect(browser.posted.length).toBeGreaterThan(0)
    for (const p of browser.posted) expect(p.data).toMatchObject({ v: 2, from: expect.any(String) })
    expect(browser.posted.at(-1)!.data).toMatchObject({ kind: 'message', from: a.share.tabId, login: a.share.login })
  })

  it('ignores foreign and malformed messages on the channel', async () => {
    const [a, b, c] = await startTabs(3)
    const before = [b.events.length, c.events.length]
    const other = intruder()
    const login = a.share.login
    const from = a.share.tabId
    for (const data of [
      'hello',
      null,
      [1, 2],
      { kind: 'logout' },
      { v: 1, kind: 'logout', from: 'x', login },
      { v: 2, kind: 'logout' },
      { v: 2, kind: 'message', from, login, relayed: { message: { type: 5, id: '1' } } },
      { v: 2, kind: 'message', from, login, relayed: { message: 'text' } },
      { v: 2, kind: 'message', from, login, relayed: { raw: { event: 'message', data: 1, lastEventId: '' } } },
      { v: 2, kind: 'message', from, login, message: msg('1') },
      { v: 2, kind: 'state', from, login, state: { status: 'open' } },
      { v: 2, kind: 'snapshot', from, login, to: b.share.tabId, snapshot: {} },
      { v: 2, kind: 'ack', from: 'x', login },
      { v: 2, kind: 'ack', from: 'x', login, ids: 'al-1' },
      { v: 2, kind: 'ack', from: 'x', login, ids: ['al-1', 2] },
      { v: 2, kind: 'ack', from: 'x', login, ids: null, clear: true },
      { v: 2, kind: 'unknown', from: 'x', login },
    ]) {
      other.postMessage(data)
    }
    await browser.settle()
    other.close()
    expect([b.events.length, c.events.length]).toEqual(before)
    expect([...b.errors, ...c.errors]).toEqual([])
  })

  it('ignores messages that claim to come from the tab itself', async () => {
    const [, b] = await startTabs(2)
    const other = intruder()
    other.postMessage({ v: 2, kind: 'logout', from: b.share.tabId, login: b.share.login })
    await browser.settle()
    other.close()
    expect(b.events.filter((e) => e.on === 'logout')).toEqual([])
  })

  it('sends the raw event instead when the decoded message cannot be cloned, for the other tab to decode', async () => {
    const [a, b] = await startTabs(2)
    const deep: Record<string, unknown> = {}
    let level = deep
    for (let i = 0; i < 5000; i++) level = (level.next = {}) as Record<string, unknown>
    const raw = { event: 'message', data: '{"messageType":"4","messageData":{"deep":"..."}}' }
    a.share.relay(msg('1', { deep }), '1', raw)
    await browser.settle()
    expect(a.errors).toEqual([])
    expect(b.events.filter((e) => e.on === 'message')).toEqual([
      { on: 'message', relayed: { raw: { ...raw, lastEventId: '1', id: '1' }, eventId: '1' }, notifyHere: false },
    ])
  })

  it('reports a message that cannot be sent at all and lets the leader notify it itself', async () => {
    const [a, b] = await startTabs(2)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    expect(relay(a, '1', { run: () => 1 })).toBe(true)
    expect(a.errors).toHaveLength(1)
    await browser.settle()
    expect(b.messages()).toEqual([])
  })
})

// The leader relays the messages of one slice of its stream in one channel message.
describe('relaying a slice together', () => {
  /** A 5,000-deep payload: structured clone gives up on it. */
  function deepPayload(): Record<string, unknown> {
    const deep: Record<string, unknown> = {}
    let level = deep
    for (let i = 0; i < 5000; i++) level = (level.next = {}) as Record<string, unknown>
    return { deep }
  }

  function relayedIds(tab: Tab): string[] {
    return tab.events.flatMap((e) => (e.on === 'message' ? [e.relayed.eventId ?? ''] : []))
  }

  it('posts what was held as one channel message; every tab gets each message once, in order, with the tab that pops it', async () => {
    const [a, b, c] = await startTabs(3)
    c.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    const before = browser.posted.length
    a.share.holdRelays()
    const here = ['1', '2', '3'].map((id) => relay(a, id))
    expect(browser.posted).toHaveLength(before)
    expect(a.share.postRelays()).toEqual([])
    await browser.settle()
    const sent = browser.posted.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0].data).toMatchObject({
      v: 2,
      kind: 'message',
      login: a.share.login,
      relayed: { eventId: '3' },
      notify: c.share.tabId,
      preceding: [{ relayed: { eventId: '1' } }, { relayed: { eventId: '2' } }],
    })
    expect(here).toEqual([false, false, false])
    expect(b.messages().map((m) => [m.message.id, m.notifyHere])).toEqual([['1', false], ['2', false], ['3', false]])
    expect(c.messages().map((m) => [m.message.id, m.notifyHere])).toEqual([['1', true], ['2', true], ['3', true]])
    // Released: the next relay goes at once.
    relay(a, '4')
    expect(browser.posted).toHaveLength(before + 2)
  })

  it("hands a batch to the tab's onBatch, which delivers it message by message", async () => {
    const [a] = await startTabs(1)
    const batches: string[][] = []
    const b = openTab('user-1', {
      onBatch(deliver) {
        const from = b.events.length
        deliver()
        batches.push(b.events.slice(from).map((e) => (e.on === 'message' ? (e.relayed.eventId ?? '') : e.on)))
      },
    })
    b.share.start()
    await browser.settle()
    a.share.holdRelays()
    for (const id of ['1', '2', '3']) relay(a, id)
    a.share.postRelays()
    relay(a, '4')
    await browser.settle()
    // A message alone is no batch.
    expect(batches).toEqual([['1', '2', '3']])
    expect(relayedIds(b)).toEqual(['1', '2', '3', '4'])
  })

  it('a tab that stops in the middle of a batch (a listener logs out) takes none of the rest', async () => {
    const [a] = await startTabs(1)
    const b: Tab = openTab('user-1', {
      onMessage(relayed, notifyHere) {
        b.events.push({ on: 'message', relayed, notifyHere })
        if (relayed.eventId === '2') b.share.stop()
      },
    })
    b.share.start()
    await browser.settle()
    a.share.holdRelays()
    for (const id of ['1', '2', '3']) relay(a, id)
    a.share.postRelays()
    await browser.settle()
    expect(relayedIds(b)).toEqual(['1', '2'])
  })

  it('a payload structured clone cannot copy costs only itself: it goes raw, the others decoded, in order, nothing reported', async () => {
    const [a, b] = await startTabs(2)
    const raw = { event: 'message', data: '{"messageType":"4","messageData":{"deep":"..."}}' }
    a.share.holdRelays()
    relay(a, '1')
    a.share.relay(msg('2', deepPayload()), '2', raw)
    relay(a, '3')
    expect(a.share.postRelays()).toEqual([])
    await browser.settle()
    expect(a.errors).toEqual([])
    expect(b.events.filter((e) => e.on === 'message').map((e) => ('raw' in e.relayed ? `raw ${e.relayed.raw.lastEventId}` : e.relayed.message.id))).toEqual([
      '1',
      'raw 2',
      '3',
    ])
  })

  it('a message that cannot be posted at all is reported, and the leader pops it when another tab was to', async () => {
    const [a, b] = await startTabs(2)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    a.share.holdRelays()
    relay(a, '1')
    const unsendable = msg('2', { run: () => 1 })
    expect(a.share.relay(unsendable, '2')).toBe(false)
    relay(a, '3')
    expect(a.share.postRelays()).toEqual([unsendable])
    expect(a.errors).toHaveLength(1)
    await browser.settle()
    expect(b.messages().map((m) => m.message.id)).toEqual(['1', '3'])
  })

  it('a state, a logout, anything posted while relays are held goes after them', async () => {
    const [a, b] = await startTabs(2)
    a.share.holdRelays()
    relay(a, '1')
    relay(a, '2')
    a.share.relayState(state({ lastEventId: '2' }))
    relay(a, '3')
    a.share.broadcastLogout()
    a.share.postRelays()
    await browser.settle()
    const seen = b.events.flatMap((e) => (e.on === 'message' ? [e.relayed.eventId] : e.on === 'state' || e.on === 'logout' ? [e.on] : []))
    expect(seen).toEqual(['1', '2', 'state', '3', 'logout'])
  })

  it('ignores a relayed message whose preceding ones are not all relayed messages', async () => {
    const [a, b] = await startTabs(2)
    const before = b.events.length
    const other = intruder()
    const base = { v: 2, kind: 'message', from: a.share.tabId, login: a.share.login, notify: '', relayed: { message: msg('9'), eventId: '9' } }
    for (const preceding of ['1', [{ relayed: { message: 'text' } }], [{ relayed: { message: msg('8'), eventId: '8' } }, null]]) {
      other.postMessage({ ...base, preceding })
    }
    await browser.settle()
    other.close()
    expect(b.events.length).toBe(before)
  })

  it('a follower holds nothing: it neither relays nor leaves anything to pop', async () => {
    const [a, b] = await startTabs(2)
    const before = browser.posted.length
    b.share.holdRelays()
    expect(relay(b, '5')).toBe(true)
    expect(b.share.postRelays()).toEqual([])
    await browser.settle()
    expect(browser.posted).toHaveLength(before)
    expect(a.events.filter((e) => e.on === 'message')).toEqual([])
  })
})

describe('who a tab listens to', () => {
  it('takes messages and state only from the leader it knows, for its own login', async () => {
    const [a, b] = await startTabs(2)
    const other = intruder()
    const foreign = { message: msg('666'), eventId: '666' }
    // A tab that is not the leader, and the leader speaking for another login.
    other.postMessage({ v: 2, kind: 'message', from: 'not-the-leader', login: a.share.login, notify: '', relayed: foreign })
    other.postMessage({ v: 2, kind: 'state', from: 'not-the-leader', login: a.share.login, state: state({ lastEventId: '666' }) })
    other.postMessage({ v: 2, kind: 'message', from: a.share.tabId, login: 'another-login', notify: '', relayed: foreign })
    other.postMessage({ v: 2, kind: 'state', from: a.share.tabId, login: 'another-login', state: state() })
    await browser.settle()
    other.close()
    relay(a, '1')
    await browser.settle()
    expect(b.messages().map((m) => m.message.id)).toEqual(['1'])
    expect(b.events.filter((e) => e.on === 'state')).toEqual([])
    expect(b.share.dropped).toBe(4)
    expect(b.drops).toHaveLength(4)
  })

  it('a tab that joins takes nothing relayed before its snapshot (the snapshot holds it)', async () => {
    const [a] = await startTabs(1)
    const late = openTab()
    late.share.start()
    // Relayed while the new tab's hello is on its way: the leader's snapshot comes after it.
    await Promise.resolve()
    relay(a, '1')
    a.resumeId = '1'
    await browser.settle()
    expect(late.events.map((e) => e.on)).toEqual(['follow', 'snapshot'])
    expect(late.events[1]).toMatchObject({ snapshot: { resumeId: '1' } })
    expect(late.share.login).toBe(a.share.login)
    relay(a, '2')
    await browser.settle()
    expect(late.messages().map((m) => m.message.id)).toEqual(['2'])
  })

  it('drops an announcement of an earlier leader that arrives after a later one', async () => {
    const [a, b, c] = await startTabs(3)
    const firstLeader = a.share.tabId
    a.fake.crash()
    await browser.settle()
    const next = [b, c].find((t) => t.share.role === 'leader')!
    const other = next === b ? c : b
    const late = intruder()
    late.postMessage({ v: 2, kind: 'lead', from: firstLeader, login: other.share.login, term: 1 })
    await browser.settle()
    late.close()
    relay(next, '5')
    await browser.settle()
    expect(other.messages().map((m) => m.message.id)).toEqual(['5'])
    expect(other.share.dropped).toBe(1)
  })

  it('a follower whose group is taken over by another login forgets its data and follows the new one', async () => {
    const [, b] = await startTabs(2)
    const other = intruder()
    other.postMessage({ v: 2, kind: 'lead', from: 'new-leader', login: 'a-new-login', term: 1 })
    await browser.settle()
    other.close()
    expect(b.events.filter((e) => e.on === 'regroup')).toHaveLength(1)
    expect(b.share.login).toBe('a-new-login')
    // It asks the new leader for a snapshot.
    expect(browser.posted.at(-1)).toMatchObject({ tab: b.fake.id, data: { kind: 'hello' } })
  })
})

describe('a login after a logout in the same tab', () => {
  /**
   * Tab A leads alice's login and has not yet heard that tab B logged out: B signs in again (the
   * same key: cookie logins share by url) with the same memory of ended logins.
   */
  async function signedOutAndInAgain() {
    const [a, b] = await startTabs(2)
    const ended = createEndedLogins()
    const firstLogin = a.share.login
    // B's share of the first login used the same memory.
    b.share.stop()
    tabs.splice(tabs.indexOf(b), 1)
    const b1 = openTab('user-1', { ended }, b.fake)
    ended.add(firstLogin)
    b1.share.start()
    await browser.settle()
    return { a, b1, firstLogin }
  }

  it("takes no message, state, snapshot or leadership of the login that ended", async () => {
    const { a, b1, firstLogin } = await signedOutAndInAgain()
    a.resumeId = 'alice-9'
    relay(a, 'alice-9')
    a.share.relayState(state({ lastEventId: 'alice-9' }))
    const other = intruder()
    other.postMessage({ v: 2, kind: 'snapshot', from: a.share.tabId, login: firstLogin, term: 1, to: b1.share.tabId, snapshot: { data: 'alice', resumeId: 'alice-9' }, state: null })
    other.postMessage({ v: 2, kind: 'lead', from: a.share.tabId, login: firstLogin, term: 5 })
    await browser.settle()
    other.close()
    expect(b1.events.filter((e) => ['message', 'state', 'snapshot', 'regroup'].includes(e.on))).toEqual([])
    expect(b1.share.login).toBe('')
    expect(b1.share.dropped).toBeGreaterThanOrEqual(4)

    // Once alice's leader stops, B leads a login of its own.
    a.share.stop()
    await browser.settle()
    expect(b1.share.role).toBe('leader')
    expect(b1.share.login).not.toBe(firstLogin)
    expect(b1.share.login).not.toBe('')
  })
})

describe('notification choice', () => {
  it('lets the leader notify when no tab is focused and visible', async () => {
    const all = await startTabs(3)
    all[1].presence = { visible: true, focused: false }
    all[2].presence = { visible: false, focused: true }
    window.dispatchEvent(new window.Event('blur'))
    await browser.settle()
    const result = await relayAndCollect(all[0], '1', all)
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
    const result = await relayAndCollect(a, '1', [a, b, c])
    expect(notifiers(result)).toEqual([b])
  })

  it('follows focus as it moves between tabs', async () => {
    const [a, b, c] = await startTabs(3)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, '1', [a, b, c]))).toEqual([b])

    b.presence = { visible: false, focused: false }
    c.presence = { visible: true, focused: true }
    document.dispatchEvent(new window.Event('visibilitychange'))
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, '2', [a, b, c]))).toEqual([c])

    c.presence = { visible: true, focused: false }
    a.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, '3', [a, b, c]))).toEqual([a])
  })

  it('forgets a focused tab that stops', async () => {
    const [a, b, c] = await startTabs(3)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    b.share.stop()
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, '1', [a, c]))).toEqual([a])
  })

  it('forgets a focused tab that says goodbye on pagehide', async () => {
    const [a, b] = await startTabs(2)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, '1', [a, b]))).toEqual([b])
    window.dispatchEvent(new window.Event('pagehide'))
    await browser.settle()
    expect(relay(a, '2')).toBe(true)
  })

  it('forgets a focused tab that crashes without a goodbye', async () => {
    const [a, b, c] = await startTabs(3)
    b.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    b.fake.crash()
    await browser.settle()
    expect(notifiers(await relayAndCollect(a, '1', [a, c]))).toEqual([a])
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
    expect(relay(b, '1')).toBe(true)
  })

  it('after a failover, the new leader knows who is focused', async () => {
    const [a, b, c] = await startTabs(3)
    a.fake.crash()
    // c was focused all along, before the new leader was elected.
    c.presence = { visible: true, focused: true }
    window.dispatchEvent(new window.Event('focus'))
    await browser.settle()
    const next = [b, c].find((t) => t.share.role === 'leader')!
    const result = await relayAndCollect(next, '1', [b, c])
    expect(notifiers(result)).toEqual([c])
  })
})

describe('late joiners', () => {
  it('gives a tab that joins the leader snapshot, the resume point it goes with and the state', async () => {
    const [a, b] = await startTabs(2)
    a.snapshot = { calcs: [{ id: 'c1', progress: 55 }], alarms: [{ id: 'al-1', read: false }] }
    // The state relayed last was sent at the last status change; the resume point moved on since.
    a.share.relayState(state({ lastEventId: '12', lastMessageAt: 1_700_000_001_000 }))
    relay(a, '20')
    a.resumeId = '20'
    await browser.settle()
    const snapshotsOfB = b.events.filter((e) => e.on === 'snapshot').length

    const [d] = await startTabs(1)
    expect(d.share.role).toBe('follower')
    expect(d.events.filter((e) => e.on === 'snapshot')).toEqual([
      {
        on: 'snapshot',
        snapshot: { data: { calcs: [{ id: 'c1', progress: 55 }], alarms: [{ id: 'al-1', read: false }] }, resumeId: '20' },
      },
    ])
    expect(d.events.filter((e) => e.on === 'state')).toEqual([
      { on: 'state', state: state({ lastEventId: '20', lastMessageAt: 1_700_000_001_000 }) },
    ])
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
    expect(c.events.filter((e) => e.on === 'snapshot')).toEqual([{ on: 'snapshot', snapshot: { data: { calcs: ['from b'] }, resumeId: '' } }])
    expect(c.share.login).toBe(b.share.login)
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
    expect(c.events.filter((e) => e.on === 'snapshot')).toEqual([{ on: 'snapshot', snapshot: { data: { calcs: ['from b'] }, resumeId: '' } }])
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
  it('reaches every other tab of the login, leader included, but not the sender', async () => {
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

  it("ignores another login's logout, and one it already had", async () => {
    const [a, b] = await startTabs(2)
    const other = intruder()
    other.postMessage({ v: 2, kind: 'logout', from: 'x', login: 'another-login' })
    await browser.settle()
    expect(b.events.filter((e) => e.on === 'logout')).toEqual([])
    a.share.broadcastLogout()
    await browser.settle()
    other.postMessage({ v: 2, kind: 'logout', from: 'y', login: a.share.login })
    await browser.settle()
    other.close()
    expect(b.events.filter((e) => e.on === 'logout')).toHaveLength(1)
  })

  it('from a tab that has not learnt its login yet, ends the login of the group', async () => {
    const [a, b] = await startTabs(2)
    const late = openTab()
    late.share.start()
    await Promise.resolve()
    late.share.broadcastLogout()
    await browser.settle()
    expect([a, b].map((t) => t.events.filter((e) => e.on === 'logout').length)).toEqual([1, 1])
  })

  it('a tab still joining logs out with the group it joins', async () => {
    const [a] = await startTabs(1)
    const late = openTab()
    late.share.start()
    await Promise.resolve()
    a.share.broadcastLogout()
    await browser.settle()
    expect(late.events.filter((e) => e.on === 'logout')).toHaveLength(1)
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

  it("reads only a list of ids and clear: true as a clear, and only for the tab's login", async () => {
    const [, b] = await startTabs(2)
    const other = intruder()
    const login = b.share.login
    other.postMessage({ v: 2, kind: 'ack', from: 'x', login, ids: ['al-1'], clear: 'yes' })
    other.postMessage({ v: 2, kind: 'ack', from: 'x', login, ids: [], clear: true })
    other.postMessage({ v: 2, kind: 'ack', from: 'x', login: 'another-login', ids: ['al-2'], clear: false })
    await browser.settle()
    other.close()
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
    relay(a1, '1')
    a1.share.broadcastLogout()
    relay(b1, '2')
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
    expect(a.leads()).toBe(1)
    b.share.start()
    expect(b.share.role).toBe('solo')
    expect(b.leads()).toBe(1)
    expect(relay(a, '1')).toBe(true)
    a.share.relayState(state())
    a.share.broadcastLogout()
    a.share.broadcastAcknowledge(['al-1'], false)
    await browser.settle()
    expect(browser.posted).toEqual([])
    expect(b.events).toEqual([{ on: 'lead' }])
  })

  describe('platform defaults', () => {
    afterEach(() => {
      vi.unstubAllGlobals()
    })

    function bare(events: string[]): TabShare {
      return createTabShare({
        key: 'k',
        getSnapshot: () => ({ data: null, resumeId: '' }),
        onLead: () => events.push('lead'),
        onFollow: () => events.push('follow'),
        onMessage: () => {},
        onState: () => {},
        onSnapshot: () => {},
        onLogout: () => {},
        onRegroup: () => {},
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
      expect(events).toEqual(['lead'])
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
      expect(events).toEqual(['lead', 'follow'])
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
    expect(a.leads()).toBe(1)
    expect(a.errors).toHaveLength(1)
  })

  it('calls nothing back after stop', async () => {
    const [a, b] = await startTabs(2)
    b.share.stop()
    const count = b.events.length
    relay(a, '1')
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
