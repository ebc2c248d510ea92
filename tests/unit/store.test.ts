import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { computed, isReactive, nextTick, watch } from 'vue'
import { SseError } from '../../src/core/errors'
import type { SseMessage } from '../../src/core/protocol'
import { useSseStore } from '../../src/store/useSseStore'
import type { SseStore } from '../../src/store/useSseStore'
import { feedOf } from '../../src/store/storeFeed'
import type { StoreFeed } from '../../src/store/storeFeed'
// What tab sharing brings to hand the data between tabs.
import * as exchange from '../../src/lazyTabSharing'

let store: SseStore
let feed: StoreFeed

function msg(type: string, data: unknown, id = ''): SseMessage {
  return { type, data, id } as SseMessage
}

beforeEach(() => {
  setActivePinia(createPinia())
  store = useSseStore()
  feed = feedOf(store)
})

describe('useSseStore', () => {
  it('has id sse and starts empty', () => {
    expect(store.$id).toBe('sse')
    expect(store.connection).toMatchObject({ status: 'idle', lastEventId: '', role: 'solo', error: null })
    expect(store.calcs).toEqual({})
    expect(store.alarms).toEqual([])
    expect(store.stats).toEqual({ received: 0, malformed: 0, unknownType: 0, handlerErrors: 0, reconnects: 0 })
    expect(store.unreadCount).toBe(0)
  })

  it('what the hub calls is neither an action nor state: $onAction does not hear it, users do not see it', () => {
    const heard: string[] = []
    store.$onAction(({ name }) => {
      heard.push(name)
    })
    feed.apply(msg('4', { alarmId: 'a' }), true)
    feed.setConnection({ status: 'open' })
    feed.configure({ maxAlarms: 10 })
    feed.hydrate(exchange, feed.snapshot(exchange))
    store.acknowledge('a')
    expect(heard).toEqual(['acknowledge'])
    expect(Object.keys(store)).not.toContain('apply')
    expect('apply' in store).toBe(false)
    expect(Object.keys(store.$state).sort()).toEqual(['alarms', 'calcs', 'connection', 'scada', 'stats'])
  })

  it('apply counts messages, unknown types, and follows the last event id', () => {
    feed.apply(msg('5-0', { calcId: 'a' }, '1'), true)
    feed.apply(msg('pump-state', { on: true }, '2'), false)
    feed.apply(msg('5-2', { calcId: 'a', progress: 30 }), true)
    expect(store.stats.received).toBe(3)
    expect(store.stats.unknownType).toBe(1)
    expect(store.connection.lastEventId).toBe('2')
    expect(store.connection.lastMessageAt).toEqual(expect.any(Number))
    expect(store.calcs.a).toMatchObject({ status: 'running', progress: 30 })
  })

  it('a calcId "__proto__" is a calc of its own in the reactive store, also after reset', () => {
    for (let round = 0; round < 2; round++) {
      feed.apply(msg('0-0', { calcId: '__proto__', calcName: 'odd id' }), true)
      expect(Object.keys(store.calcs)).toEqual(['__proto__'])
      expect(store.runningCalcs.map((c) => c.name)).toEqual(['odd id'])
      store.reset()
    }
  })

  it('getters: runningCalcs, latestCalc(kind), unreadCount', () => {
    feed.apply(msg('5-0', { calcId: 'a' }), true)
    feed.apply(msg('5-0', { calcId: 'b' }), true)
    feed.apply(msg('6-0', { calcId: 'c' }), true)
    feed.apply(msg('5-1', { calcId: 'a', status: 1 }), true)
    expect(store.runningCalcs.map((c) => c.id)).toEqual(['b', 'c'])
    expect(store.latestCalc('dyn')?.id).toBe('b')
    expect(store.latestCalc('steady')).toBeUndefined()
    feed.apply(msg('4', { alarmId: 1 }), true)
    feed.apply(msg('7', { alarmId: 2 }), true)
    expect(store.unreadCount).toBe(2)
  })

  it('uses the configured success statuses and bounds', () => {
    feed.configure({ maxAlarms: 2, maxCalcs: 2, successStatuses: ['OK'] })
    feed.apply(msg('0-1', { calcId: 'a', status: 'OK' }), true)
    feed.apply(msg('0-1', { calcId: 'b', status: 1 }), true)
    feed.apply(msg('0-1', { calcId: 'c', status: 'OK' }), true)
    expect(Object.keys(store.calcs).sort()).toEqual(['b', 'c'])
    expect(store.calcs.c.status).toBe('succeeded')
    expect(store.calcs.b.status).toBe('failed')
    for (let i = 0; i < 5; i++) feed.apply(msg('4', { alarmId: i }), true)
    expect(store.alarms.map((a) => a.id)).toEqual(['4', '3'])
  })

  it('lowering the bounds trims at once', () => {
    for (let i = 0; i < 5; i++) feed.apply(msg('4', { alarmId: i }), true)
    feed.configure({ maxAlarms: 1 })
    expect(store.alarms.map((a) => a.id)).toEqual(['4'])
    expect(store.unreadCount).toBe(1)
  })

  it('acknowledge, acknowledgeAll and clearAlarms', () => {
    for (const id of ['a', 'b', 'c']) feed.apply(msg('4', { alarmId: id }), true)
    store.acknowledge('b')
    expect(store.unreadCount).toBe(2)
    expect(store.alarms.find((a) => a.id === 'b')?.read).toBe(true)
    store.acknowledgeAll()
    expect(store.unreadCount).toBe(0)
    store.clearAlarms()
    expect(store.alarms).toEqual([])
    feed.apply(msg('4', { alarmId: 'a' }), true)
    expect(store.alarms).toHaveLength(1)
  })

  it('every alarm change reaches computeds and plain watchers', async () => {
    const count = computed(() => store.alarms.length)
    const unread = computed(() => store.alarms.filter((a) => !a.read).length)
    const seen: number[] = []
    watch(
      () => store.alarms,
      (list) => seen.push(list.length),
    )
    feed.apply(msg('4', { alarmId: 'a' }), true)
    expect(count.value).toBe(1)
    await nextTick()
    feed.apply(msg('4', { alarmId: 'b' }), true)
    expect(count.value).toBe(2)
    await nextTick()
    store.acknowledge('a')
    expect(unread.value).toBe(1)
    await nextTick()
    expect(seen).toEqual([1, 2, 2])
  })

  it('a watcher tells new alarms from old ones: the previous list stays as it was', async () => {
    const fresh: string[][] = []
    watch(
      () => store.alarms,
      (next, previous) => fresh.push(next.filter((a) => !previous.includes(a)).map((a) => `${a.id}${a.read ? ' read' : ''}`)),
    )
    const kept = store.alarms
    feed.apply(msg('4', { alarmId: 'a' }), true)
    await nextTick()
    feed.apply(msg('4', { alarmId: 'b' }), true)
    await nextTick()
    store.acknowledge('a')
    await nextTick()
    const beforeClear = store.alarms
    store.clearAlarms()
    await nextTick()
    expect(fresh).toEqual([['a'], ['b'], ['a read'], []])
    expect(kept).toEqual([])
    expect(beforeClear.map((a) => a.id)).toEqual(['b', 'a'])
  })

  it('progress reaches a computed on the record', () => {
    feed.apply(msg('5-0', { calcId: 'a' }), true)
    const progress = computed(() => store.calcs.a?.progress)
    feed.apply(msg('5-2', { calcId: 'a', progress: 10 }), true)
    expect(progress.value).toBe(10)
    feed.apply(msg('5-2', { calcId: 'a', progress: 90 }), true)
    expect(progress.value).toBe(90)
  })

  it('progress messages do not recompute runningCalcs nor latestCalc', () => {
    let evaluations = 0
    const running = computed(() => {
      evaluations++
      return store.runningCalcs.map((c) => c.id).join()
    })
    const latest = computed(() => {
      evaluations++
      return store.latestCalc('dyn')?.id
    })
    feed.apply(msg('5-0', { calcId: 'a' }), true)
    expect([running.value, latest.value]).toEqual(['a', 'a'])
    const before = evaluations
    for (let p = 1; p <= 50; p++) feed.apply(msg('5-2', { calcId: 'a', progress: p }), true)
    expect([running.value, latest.value]).toEqual(['a', 'a'])
    expect(evaluations).toBe(before)
    feed.apply(msg('5-1', { calcId: 'a', status: 1 }), true)
    expect(running.value).toBe('')
  })

  it('alarms do not re-run watchers of runningCalcs nor recompute latestCalc', async () => {
    feed.apply(msg('5-0', { calcId: 'a' }), true)
    let latestEvaluations = 0
    const latest = computed(() => {
      latestEvaluations++
      return store.latestCalc('dyn')?.id
    })
    const runs: string[] = []
    watch(
      () => store.runningCalcs,
      (list) => runs.push(list.map((c) => c.id).join()),
    )
    expect(latest.value).toBe('a')
    for (let i = 0; i < 20; i++) {
      feed.apply(msg('4', { alarmId: i }), true)
      expect(latest.value).toBe('a')
      await nextTick()
    }
    store.acknowledgeAll()
    await nextTick()
    expect(runs).toEqual([])
    expect(latestEvaluations).toBe(1)
    feed.apply(msg('5-0', { calcId: 'b' }), true)
    await nextTick()
    expect(runs).toEqual(['a,b'])
    expect(latest.value).toBe('b')
  })

  it('payloads are not made reactive and the message given to listeners is untouched', () => {
    const payload = { calcId: 'a', nested: { deep: [1, 2, 3] } }
    feed.apply(msg('5-0', payload), true)
    expect(isReactive(store.calcs.a.data)).toBe(false)
    expect(isReactive(store.calcs.a.data.nested)).toBe(false)
    expect(store.calcs.a.data).toEqual(payload)
    expect(Object.getOwnPropertyNames(payload)).toEqual(['calcId', 'nested'])
  })

  it('a payload that looks like a Vue ref is kept as the payload, and the next one replaces it', () => {
    feed.apply(msg('5-0', { calcId: 'a', calcName: 'first', __v_isRef: true, value: 'not the payload' }), true)
    expect(store.calcs.a.data).toMatchObject({ calcName: 'first' })
    feed.apply(msg('5-2', { calcId: 'a', progress: 20, calcName: 'second' }), true)
    expect(store.calcs.a.data).toEqual({ calcId: 'a', progress: 20, calcName: 'second' })
    feed.apply(msg('3', { message: 'pulled', __v_isRef: true, value: 1 }), true)
    expect(store.scada.data).toMatchObject({ message: 'pulled' })
  })

  // Vue reads `__v_raw` as "the object behind this proxy": a payload carrying it would be swapped for
  // that value as it goes into a reactive record.
  it('a payload with Vue\'s flag keys (__v_raw, __v_isReactive...) is kept as the payload, not as what they name', () => {
    const impostor = { calcId: 'a', calcName: 'not the payload' }
    feed.apply(msg('5-0', { calcId: 'a', calcName: 'first', __v_raw: impostor }), true)
    expect(store.calcs.a.data).toMatchObject({ calcId: 'a', calcName: 'first' })
    feed.apply(msg('5-2', { calcId: 'a', progress: 20, __v_raw: impostor, __v_isReactive: true, __v_skip: false }), true)
    expect(store.calcs.a.data).toMatchObject({ calcId: 'a', progress: 20 })
    expect(store.calcs.a.progress).toBe(20)
    feed.apply(msg('3', { message: 'pulled', __v_raw: { message: 'impostor' } }), true)
    expect(store.scada.data).toMatchObject({ message: 'pulled' })
    feed.apply(msg('4', { alarmId: 'x', title: 'real', __v_raw: { title: 'impostor' } }), true)
    expect(store.alarms[0].data).toMatchObject({ alarmId: 'x', title: 'real' })
    // What the store keeps goes through a snapshot to another tab the same way.
    const other = useSseStore(createPinia())
    feedOf(other).hydrate(exchange, JSON.parse(JSON.stringify(feed.snapshot(exchange))))
    expect(other.calcs.a.data).toMatchObject({ calcId: 'a', progress: 20 })
    expect(other.scada.data).toMatchObject({ message: 'pulled' })
  })

  it('counters', () => {
    feed.countMalformed()
    feed.countHandlerError()
    feed.countHandlerError()
    feed.countReconnect()
    expect(store.stats).toMatchObject({ malformed: 1, handlerErrors: 2, reconnects: 1 })
  })

  it('setConnection keeps only plain connection fields', () => {
    const error = new SseError('http', 'Server said 500', { status: 500, cause: new Error('inner') })
    feed.setConnection({ status: 'reconnecting', attempt: 2, error, role: 'leader' })
    // Unknown keys from a wider state object are ignored.
    feed.setConnection({ openedAt: 5, ...({ reconnects: 3 } as object) })
    expect(store.connection).toEqual({
      status: 'reconnecting',
      lastEventId: '',
      attempt: 2,
      error: { kind: 'http', message: 'Server said 500', status: 500 },
      openedAt: 5,
      lastMessageAt: null,
      role: 'leader',
    })
    expect(store.connection.error).not.toBeInstanceOf(Error)
    feed.setConnection({ error: null })
    expect(store.connection.error).toBeNull()
  })

  it('a watcher of the error runs when the error changes, not at every status change that repeats it', async () => {
    const shown: string[] = []
    watch(
      () => store.connection.error,
      (error) => shown.push(error ? `${error.kind}: ${error.message}` : 'none'),
    )
    const down = new SseError('network', 'Failed to fetch')
    feed.setConnection({ status: 'reconnecting', attempt: 1, error: down })
    await nextTick()
    // The connection's state, relayed as plain data: the same error in a new object.
    feed.setConnection({ status: 'connecting', error: { kind: 'network', message: 'Failed to fetch' } })
    await nextTick()
    feed.setConnection({ status: 'reconnecting', attempt: 2, error: down })
    await nextTick()
    feed.setConnection({ status: 'reconnecting', attempt: 3, error: new SseError('http', 'Server said 502', { status: 502 }) })
    await nextTick()
    feed.setConnection({ status: 'open', error: null })
    await nextTick()
    expect(shown).toEqual(['network: Failed to fetch', 'http: Server said 502', 'none'])
    expect(store.connection).toMatchObject({ status: 'open', attempt: 3, error: null })
  })

  it('reset forgets the user data, keeping the live connection status', () => {
    feed.setConnection({ status: 'closed', role: 'leader', error: { kind: 'network', message: 'x' } })
    feed.apply(msg('5-0', { calcId: 'a' }, '9'), true)
    feed.apply(msg('4', { alarmId: 'a' }), true)
    feed.apply(msg('3', { message: 'pulled' }), true)
    store.reset()
    expect(store.calcs).toEqual({})
    expect(store.alarms).toEqual([])
    expect(store.unreadCount).toBe(0)
    expect(store.scada).toEqual({ lastPulledAt: null, data: null })
    expect(store.stats.received).toBe(0)
    expect(store.connection).toMatchObject({ status: 'closed', role: 'leader', lastEventId: '', error: null })
    // Dedupe and bounds start over for the next user.
    feed.apply(msg('4', { alarmId: 'a' }), true)
    expect(store.alarms).toHaveLength(1)
  })

  it('snapshot and hydrate hand the state to another store', () => {
    feed.apply(msg('5-0', { calcId: 'a', calcName: 'A' }), true)
    feed.apply(msg('5-2', { calcId: 'a', progress: 40 }), true)
    feed.apply(msg('4', { alarmId: 'x', title: 'Leak' }), true)
    feed.apply(msg('3', { message: 'pulled' }), true)
    store.acknowledge('x')
    const snap = structuredClone(feed.snapshot(exchange))

    setActivePinia(createPinia())
    const other = useSseStore()
    expect(other).not.toBe(store)
    expect(feedOf(other).hydrate(exchange, snap)).toBe(true)
    expect(other.calcs.a).toMatchObject({ name: 'A', progress: 40, status: 'running' })
    expect(other.alarms).toEqual([expect.objectContaining({ id: 'x', title: 'Leak', read: true })])
    expect(other.unreadCount).toBe(0)
    expect(other.scada.data).toEqual({ message: 'pulled' })
    expect(other.stats.received).toBe(4)
    expect(isReactive(other.calcs.a.data)).toBe(false)
    feedOf(other).apply(msg('5-2', { calcId: 'a', progress: 60 }), true)
    expect(other.calcs.a.progress).toBe(60)
    expect(feedOf(other).hydrate(exchange, { nonsense: true } as never)).toBe(false)
  })

  it('replacing the alarm list from outside keeps the unread count right', () => {
    feed.apply(msg('4', { alarmId: 'a' }), true)
    store.$patch({ alarms: [] })
    expect(store.unreadCount).toBe(0)
    feed.apply(msg('4', { alarmId: 'a' }), true)
    expect(store.unreadCount).toBe(1)
  })
})

// What the hub applies while it delivers a slice of the stream: reads through the store see each
// message at once, Vue hears of the slice once.
describe('a group of messages (hold, publish, release)', () => {
  it('reads see every message at once; watchers and computeds hear of the group once, when it is released', () => {
    feed.apply(msg('5-0', { calcId: 'a' }, '1'), true)
    const received: number[] = []
    const progress: number[] = []
    watch(() => store.stats.received, (n) => received.push(n), { flush: 'sync' })
    watch(() => store.calcs.a.progress, (p) => progress.push(p), { flush: 'sync' })
    let evaluations = 0
    const running = computed(() => {
      evaluations++
      return store.runningCalcs.map((c) => c.id).join()
    })
    expect(running.value).toBe('a')

    feed.hold()
    for (let p = 1; p <= 10; p++) {
      feed.apply(msg('5-2', { calcId: 'a', progress: p * 10 }, String(p + 1)), true)
      expect([store.stats.received, store.calcs.a.progress]).toEqual([p + 1, p * 10])
    }
    feed.apply(msg('5-0', { calcId: 'b', calcName: 'B' }, '12'), true)
    expect(store.calcs.b).toMatchObject({ name: 'B', status: 'running' })
    expect(store.connection.lastEventId).toBe('12')
    expect([received, progress, evaluations]).toEqual([[], [], 1])

    feed.release()
    expect(received).toEqual([12])
    expect(progress).toEqual([100])
    expect(running.value).toBe('a,b')
    // Released: each message is told at once again.
    feed.apply(msg('5-2', { calcId: 'a', progress: 100 }, '13'), true)
    expect(received).toEqual([12, 13])
  })

  it('publish tells what was held so far, and the group goes on', () => {
    const received: number[] = []
    watch(() => store.stats.received, (n) => received.push(n), { flush: 'sync' })
    feed.hold()
    feed.apply(msg('5-0', { calcId: 'a' }), true)
    feed.apply(msg('5-2', { calcId: 'a', progress: 5 }), true)
    feed.publish()
    expect(received).toEqual([2])
    expect(store.runningCalcs.map((c) => c.id)).toEqual(['a'])
    feed.apply(msg('5-2', { calcId: 'a', progress: 6 }), true)
    expect(received).toEqual([2])
    feed.release()
    expect(received).toEqual([2, 3])
  })

  it("keeps one copy of a calc's payload per group, as the store keeps payloads; the listeners' objects stay untouched", () => {
    feed.apply(msg('5-0', { calcId: 'a' }), true)
    const payloads = [1, 2, 3].map((progress) => ({ calcId: 'a', progress, __v_isRef: true, value: 'not the payload' }))
    const sent = structuredClone(payloads)
    const fresh = { calcId: 'b', calcName: 'B', __v_isRef: true, value: 'not the payload either' }
    feed.hold()
    for (const payload of payloads) feed.apply(msg('5-2', payload), true)
    feed.apply(msg('5-0', fresh), true)
    feed.apply(msg('3', { message: 'pulled', __v_raw: { message: 'impostor' } }), true)
    feed.release()
    expect(store.calcs.a.data).toEqual({ calcId: 'a', progress: 3, value: 'not the payload' })
    expect(store.calcs.a.progress).toBe(3)
    expect(store.calcs.b.data).toEqual({ calcId: 'b', calcName: 'B', value: 'not the payload either' })
    expect(store.scada.data).toEqual({ message: 'pulled' })
    expect(isReactive(store.calcs.a.data)).toBe(false)
    expect(payloads).toEqual(sent)
    expect(fresh).toEqual({ calcId: 'b', calcName: 'B', __v_isRef: true, value: 'not the payload either' })
  })

  it("publishes a group's alarms as one new list; an acknowledgement in the middle publishes what was held first", () => {
    const lists: string[][] = []
    watch(() => store.alarms, (list) => lists.push(list.map((a) => `${a.id}${a.read ? ' read' : ''}`)), { flush: 'sync' })
    const published = store.alarms
    feed.hold()
    feed.apply(msg('4', { alarmId: 'a' }), true)
    feed.apply(msg('4', { alarmId: 'b' }), true)
    expect(lists).toEqual([])
    store.acknowledge('a')
    feed.apply(msg('7', { alarmId: 'c' }), true)
    // Read in the middle of the group: the computed must still hear of the list afterwards.
    expect(store.unreadCount).toBe(2)
    feed.release()
    expect(lists).toEqual([['b', 'a'], ['b', 'a read'], ['c', 'b', 'a read']])
    expect(published).toEqual([])
    feed.apply(msg('4', { alarmId: 'd' }), true)
    expect(store.unreadCount).toBe(3)
  })

  it('a reset in the middle of a group drops what was held: the rest of the group counts from nothing', () => {
    feed.apply(msg('5-0', { calcId: 'a' }), true)
    feed.hold()
    feed.apply(msg('5-2', { calcId: 'a', progress: 50 }, '7'), true)
    feed.apply(msg('4', { alarmId: 'x' }), true)
    store.reset()
    feed.apply(msg('5-0', { calcId: 'b' }, '8'), true)
    feed.release()
    expect(store.stats.received).toBe(1)
    expect(Object.keys(store.calcs)).toEqual(['b'])
    expect(store.alarms).toEqual([])
    expect(store.connection.lastEventId).toBe('8')
  })
})
