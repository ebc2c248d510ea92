import { beforeEach, describe, expect, it } from 'vitest'
import type { SseMessage } from '../../src/core/protocol'
import { acknowledgeAlarms, acknowledgeAllAlarms, clearAlarms, unreadCount } from '../../src/store/alarms'
import { latestCalc, runningCalcs } from '../../src/store/calcs'
import { applyMessage, enforceBounds } from '../../src/store/reducers'
import { hydrateState, takeSnapshot } from '../../src/store/snapshot'
import { createInitialState } from '../../src/store/state'
import type { ApplyContext, CalcRecord, SseState } from '../../src/store/state'

let state: SseState
let clock: number
const bounds = { maxAlarms: 500, maxCalcs: 200 }

function ctx(overrides: Partial<ApplyContext> = {}): ApplyContext {
  return { now: ++clock, successStatuses: [1, 'success'], ...bounds, ...overrides }
}

function send(type: string, data: unknown, id = '', overrides: Partial<ApplyContext> = {}): ReturnType<typeof applyMessage> {
  return applyMessage(state, { type, data, id } as SseMessage, ctx(overrides))
}

beforeEach(() => {
  state = createInitialState()
  clock = 1_000
})

describe('calc messages, one row per messageType', () => {
  const rows = [
    { start: '0-0', end: '0-1', kind: 'steady' },
    { start: '1-0', end: '1-1', kind: 'sandboxSteady' },
    { start: '2-0', end: '2-1', kind: 'trace' },
    { start: '5-0', end: '5-1', kind: 'dyn', progress: '5-2' },
    { start: '6-0', end: '6-1', kind: 'sandboxDyn', progress: '6-2' },
  ] as const

  for (const row of rows) {
    it(`${row.start} / ${row.end}: ${row.kind} runs, then finishes`, () => {
      expect(send(row.start, { calcId: 'c1', calcName: 'Network A' })).toBe('calc')
      const started = state.calcs.c1
      expect(started).toMatchObject({ id: 'c1', kind: row.kind, name: 'Network A', status: 'running', progress: 0 })
      expect(started.startedAt).toBe(clock)
      expect(started.endedAt).toBeNull()

      if ('progress' in row) {
        send(row.progress, { calcId: 'c1', progress: 40 })
        expect(state.calcs.c1.progress).toBe(40)
      }

      const success = row.kind === 'trace' ? { isTrace: 1 } : { status: 1 }
      send(row.end, { calcId: 'c1', message: 'done', ...success })
      expect(state.calcs.c1).toMatchObject({ status: 'succeeded', progress: 100, message: 'done', endedAt: clock })
      expect(state.calcs.c1.data).toMatchObject({ message: 'done' })
    })
  }

  it('a calc without calcId is keyed by its kind', () => {
    send('5-0', { calcName: 'no id' })
    send('0-0', {})
    expect(Object.keys(state.calcs).sort()).toEqual(['dyn', 'steady'])
  })

  it('numeric calcIds are keyed by their string', () => {
    send('5-0', { calcId: 42 })
    send('5-2', { calcId: '42', progress: 10 })
    expect(state.calcs['42'].progress).toBe(10)
  })

  it('calcIds that name Object.prototype members are ids like any other', () => {
    for (const calcId of ['__proto__', 'constructor', 'toString']) {
      send('5-0', { calcId, calcName: calcId })
      send('5-2', { calcId, progress: 30 })
    }
    expect(Object.keys(state.calcs).sort()).toEqual(['__proto__', 'constructor', 'toString'])
    expect(state.calcs.toString).toMatchObject({ name: 'toString', status: 'running', progress: 30 })
    expect(runningCalcs(state).map((c) => c.id)).toEqual(['__proto__', 'constructor', 'toString'])
    // A snapshot carries them to another tab's state.
    const other = createInitialState()
    expect(hydrateState(other, JSON.parse(JSON.stringify(takeSnapshot(state))), bounds)).toBe(true)
    expect(Object.keys(other.calcs).sort()).toEqual(['__proto__', 'constructor', 'toString'])
    expect(other.calcs.constructor).toMatchObject({ name: 'constructor', progress: 30 })
  })

  it('end success follows successStatuses; trace end follows isTrace only', () => {
    send('0-1', { calcId: 'a', status: 'success' })
    send('0-1', { calcId: 'b', status: 0 })
    send('0-1', { calcId: 'c', status: '1' })
    send('0-1', { calcId: 'd', status: 'ok' }, '', { successStatuses: ['ok'] })
    send('2-1', { calcId: 'e', status: 1, isTrace: 0 })
    send('2-1', { calcId: 'f', isTrace: 1 })
    expect(state.calcs.a.status).toBe('succeeded')
    expect(state.calcs.b.status).toBe('failed')
    // 1 and '1' are one status, as for the status labels.
    expect(state.calcs.c.status).toBe('succeeded')
    expect(state.calcs.d.status).toBe('succeeded')
    expect(state.calcs.e.status).toBe('failed')
    expect(state.calcs.f.status).toBe('succeeded')
  })

  it('a failed end keeps the last progress', () => {
    send('5-0', { calcId: 'x' })
    send('5-2', { calcId: 'x', progress: 63 })
    send('5-1', { calcId: 'x', status: 0, message: 'diverged' })
    expect(state.calcs.x).toMatchObject({ status: 'failed', progress: 63, message: 'diverged' })
  })
})

describe('out-of-order and malformed calc messages leave a sane record', () => {
  it('progress after end is ignored: an ended calc never runs again by progress', () => {
    send('5-0', { calcId: 'x' })
    send('5-1', { calcId: 'x', status: 1 })
    expect(send('5-2', { calcId: 'x', progress: 30 })).toBeNull()
    expect(state.calcs.x).toMatchObject({ status: 'succeeded', progress: 100 })
    expect(runningCalcs(state)).toEqual([])
  })

  it('end without start creates an ended record', () => {
    send('6-1', { calcId: 'y', status: 0 })
    expect(state.calcs.y).toMatchObject({ kind: 'sandboxDyn', status: 'failed', progress: 0, startedAt: null })
    expect(state.calcs.y.endedAt).toBe(clock)
  })

  it('progress without start creates a running record', () => {
    send('5-2', { calcId: 'z', progress: 25 })
    expect(state.calcs.z).toMatchObject({ status: 'running', progress: 25 })
  })

  it.each([
    ['above 100', 250, 100],
    ['below 0', -5, 10],
    ['NaN', Number.NaN, 10],
    ['a numeric string', '55', 55],
    ['a non-numeric string', 'half', 10],
    ['missing', undefined, 10],
    ['null', null, 10],
    ['Infinity', Number.POSITIVE_INFINITY, 100],
  ])('progress %s', (_label, value, expected) => {
    send('5-0', { calcId: 'p' })
    send('5-2', { calcId: 'p', progress: 10 })
    send('5-2', { calcId: 'p', progress: value })
    expect(state.calcs.p.progress).toBe(expected)
    expect(state.calcs.p.status).toBe('running')
  })

  it('progress never decreases within a run', () => {
    send('5-0', { calcId: 'p' })
    for (const p of [10, 50, 30, 49, 70]) send('5-2', { calcId: 'p', progress: p })
    expect(state.calcs.p.progress).toBe(70)
  })

  it('a start after the end is a new run from 0', () => {
    send('5-0', { calcId: 'r' })
    send('5-2', { calcId: 'r', progress: 80 })
    send('5-1', { calcId: 'r', status: 1 })
    const firstSeq = state.calcs.r.seq
    send('5-0', { calcId: 'r' })
    expect(state.calcs.r).toMatchObject({ status: 'running', progress: 0, endedAt: null })
    expect(state.calcs.r.seq).toBeGreaterThan(firstSeq)
    send('5-2', { calcId: 'r', progress: 5 })
    expect(state.calcs.r.progress).toBe(5)
  })

  it('a repeated start of a running calc keeps its progress', () => {
    send('5-0', { calcId: 'd' })
    send('5-2', { calcId: 'd', progress: 60 })
    send('5-0', { calcId: 'd' })
    expect(state.calcs.d).toMatchObject({ status: 'running', progress: 60 })
  })

  it.each([null, undefined, 'text', 42, [1, 2]])('payload %s does not throw and keys by kind', (data) => {
    expect(() => send('5-2', data)).not.toThrow()
    expect(state.calcs.dyn.status).toBe('running')
    expect(state.calcs.dyn.progress).toBe(0)
  })

  it('after any sequence, no record is running with an end time, and progress stays in 0..100', () => {
    const types = ['5-0', '5-1', '5-2', '6-0', '6-1', '6-2', '2-1', '0-0']
    const values: unknown[] = [-1, 0, 50, 100, 101, NaN, 'x', '70', null]
    let seed = 7
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    for (let i = 0; i < 5_000; i++) {
      send(types[rand(types.length)], {
        calcId: `c${rand(20)}`,
        progress: values[rand(values.length)],
        status: rand(2),
        isTrace: rand(2),
      })
    }
    for (const record of Object.values(state.calcs)) {
      expect(record.progress).toBeGreaterThanOrEqual(0)
      expect(record.progress).toBeLessThanOrEqual(100)
      if (record.status === 'running') expect(record.endedAt).toBeNull()
      else expect(record.endedAt).not.toBeNull()
    }
  })
})

describe('alarms', () => {
  it('4 and 7 add alarms newest first, with their kind and fields', () => {
    expect(send('4', { alarmId: 'a1', level: 'error', title: 'Leak', content: 'Pipe 7', time: '12:00', zone: 3 })).toBe('alarm')
    send('7', { title: 'Odd reading' })
    expect(state.alarms.map((a) => a.kind)).toEqual(['anomaly', 'alarm'])
    expect(state.alarms[1]).toMatchObject({
      id: 'a1',
      type: '4',
      level: 'error',
      title: 'Leak',
      content: 'Pipe 7',
      time: '12:00',
      read: false,
      data: { zone: 3 },
    })
    expect(state.alarms[0]).toMatchObject({ level: 'warning', content: '', time: null })
    expect(unreadCount(state)).toBe(2)
  })

  it('an unknown level is kept in data and shown as warning', () => {
    send('4', { level: 'PANIC' })
    expect(state.alarms[0].level).toBe('warning')
    expect(state.alarms[0].data.level).toBe('PANIC')
  })

  it('the same alarmId is not added twice', () => {
    send('4', { alarmId: 9, title: 'first' })
    expect(send('4', { alarmId: '9', title: 'again' })).toBeNull()
    expect(state.alarms).toHaveLength(1)
    expect(unreadCount(state)).toBe(1)
  })

  it('the same event id with the same payload is a repeat; with another payload a new alarm', () => {
    send('4', { title: 'A' }, 'e1')
    expect(send('4', { title: 'A' }, 'e1')).toBeNull()
    // The server sent no new id: the last one persists, but this is another alarm.
    send('4', { title: 'B' }, 'e1')
    expect(state.alarms.map((a) => a.title)).toEqual(['B', 'A'])
    expect(new Set(state.alarms.map((a) => a.id)).size).toBe(2)
    expect(state.alarms[1].id).toBe('4-e1')
  })

  it('without alarmId nor event id every alarm is kept, with unique ids', () => {
    for (let i = 0; i < 5; i++) send('7', { title: 'same' })
    expect(state.alarms).toHaveLength(5)
    expect(new Set(state.alarms.map((a) => a.id)).size).toBe(5)
  })

  it('bounded by maxAlarms, dropping the oldest; unread count follows', () => {
    for (let i = 0; i < 12; i++) send('4', { alarmId: i }, '', { maxAlarms: 5 })
    expect(state.alarms.map((a) => a.id)).toEqual(['11', '10', '9', '8', '7'])
    expect(unreadCount(state)).toBe(5)
    // A dropped alarm may come back: it is no longer in the list.
    send('4', { alarmId: 0 }, '', { maxAlarms: 5 })
    expect(state.alarms[0].id).toBe('0')
  })

  it('acknowledge marks one read by replacing its record; acknowledgeAll the rest', () => {
    send('4', { alarmId: 'a' })
    send('4', { alarmId: 'b' })
    send('4', { alarmId: 'c' })
    const before = state.alarms[1]
    expect(acknowledgeAlarms(state, ['b'])).toBe(1)
    expect(acknowledgeAlarms(state, ['b'])).toBe(0)
    expect(acknowledgeAlarms(state, ['nope'])).toBe(0)
    expect(state.alarms[1]).not.toBe(before)
    expect(before.read).toBe(false)
    expect(state.alarms[1].read).toBe(true)
    expect(unreadCount(state)).toBe(2)
    expect(acknowledgeAllAlarms(state)).toBe(2)
    expect(state.alarms.every((a) => a.read)).toBe(true)
    expect(unreadCount(state)).toBe(0)
  })

  it('acknowledges a selection in one pass: only its unread alarms count, unknown ids are ignored', () => {
    for (const id of ['a', 'b', 'c', 'd']) send('4', { alarmId: id })
    acknowledgeAlarms(state, ['c'])
    expect(acknowledgeAlarms(state, new Set(['a', 'c', 'd', 'gone']))).toBe(2)
    expect(state.alarms.filter((a) => !a.read).map((a) => a.id)).toEqual(['b'])
    expect(unreadCount(state)).toBe(1)
  })

  it('clearAlarms empties the list and the unread count; cleared ids may come again', () => {
    send('4', { alarmId: 'a' })
    clearAlarms(state)
    expect(state.alarms).toEqual([])
    expect(unreadCount(state)).toBe(0)
    send('4', { alarmId: 'a' })
    expect(state.alarms).toHaveLength(1)
  })

  it('the unread count stays right when the list is replaced from outside', () => {
    send('4', { alarmId: 'a' })
    state.alarms = [{ ...state.alarms[0], id: 'x', read: true }, { ...state.alarms[0], id: 'y' }]
    expect(unreadCount(state)).toBe(1)
    expect(send('4', { alarmId: 'x' })).toBeNull()
  })
})

describe('scada and unknown types', () => {
  it('3 records the pull time and payload', () => {
    expect(send('3', { message: 'pulled' })).toBe('scada')
    expect(state.scada).toEqual({ lastPulledAt: clock, data: { message: 'pulled' } })
  })

  it('unknown types change nothing', () => {
    const before = JSON.stringify(takeSnapshot(state))
    expect(send('pump-state', { running: true })).toBeNull()
    for (const type of ['__proto__', 'constructor', 'toString']) expect(send(type, { calcId: 'c' })).toBeNull()
    expect(JSON.stringify(takeSnapshot(state))).toBe(before)
  })
})

describe('calc bounds and lookups', () => {
  it('drops the finished run that ended longest ago first, keeping running ones', () => {
    const ctxSmall = { maxCalcs: 3 }
    send('5-0', { calcId: 'run1' }, '', ctxSmall)
    send('0-1', { calcId: 'done1', status: 1 }, '', ctxSmall)
    send('0-1', { calcId: 'done2', status: 1 }, '', ctxSmall)
    send('5-0', { calcId: 'run2' }, '', ctxSmall)
    expect(Object.keys(state.calcs).sort()).toEqual(['done2', 'run1', 'run2'])
    send('5-0', { calcId: 'run3' }, '', ctxSmall)
    expect(Object.keys(state.calcs).sort()).toEqual(['run1', 'run2', 'run3'])
    // Every kept calc is running: the oldest run goes.
    send('5-0', { calcId: 'run4' }, '', ctxSmall)
    expect(Object.keys(state.calcs).sort()).toEqual(['run2', 'run3', 'run4'])
  })

  it('enforceBounds trims to lowered bounds', () => {
    for (let i = 0; i < 10; i++) {
      send('4', { alarmId: i })
      send('0-0', { calcId: i })
    }
    enforceBounds(state, { maxAlarms: 2, maxCalcs: 4 })
    expect(state.alarms.map((a) => a.id)).toEqual(['9', '8'])
    expect(Object.keys(state.calcs).sort()).toEqual(['6', '7', '8', '9'])
    expect(unreadCount(state)).toBe(2)
  })

  it('when the latest run of a kind is dropped, the previous run of that kind is the latest', () => {
    const small = { maxCalcs: 3 }
    send('5-0', { calcId: 'old' }, '', small)
    send('0-0', { calcId: 's1' }, '', small)
    send('0-0', { calcId: 's2' }, '', small)
    send('5-1', { calcId: 'new', status: 1 }, '', small) // newest dyn run, finished: dropped first
    expect(latestCalc(state, 'dyn')?.id).toBe('old')
    expect(state.calcs.new).toBeUndefined()
  })

  it('a start with another kind for a running id is a new run of that kind', () => {
    send('5-0', { calcId: 'k' })
    send('5-2', { calcId: 'k', progress: 50 })
    send('6-0', { calcId: 'k' })
    expect(state.calcs.k).toMatchObject({ kind: 'sandboxDyn', progress: 0, status: 'running' })
    expect(latestCalc(state, 'sandboxDyn')?.id).toBe('k')
    expect(latestCalc(state, 'dyn')).toBeUndefined()
  })

  it('runningCalcs lists running ones, oldest run first; latestCalc finds the latest run of a kind', () => {
    send('5-0', { calcId: 'a' })
    send('6-0', { calcId: 'b' })
    send('5-0', { calcId: 'c' })
    send('5-1', { calcId: 'c', status: 1 })
    expect(runningCalcs(state).map((c) => c.id)).toEqual(['a', 'b'])
    expect(latestCalc(state, 'dyn')?.id).toBe('c')
    expect(latestCalc(state, 'sandboxDyn')?.id).toBe('b')
    expect(latestCalc(state, 'trace')).toBeUndefined()
    send('5-0', { calcId: 'a' }) // still running: not a new run
    expect(latestCalc(state, 'dyn')?.id).toBe('c')
  })
})

describe('snapshot and hydrate', () => {
  it('a snapshot is a plain copy that survives structured cloning and later changes', () => {
    send('5-0', { calcId: 'a', calcName: 'A' })
    send('4', { alarmId: 'x' })
    send('3', { message: 'm' })
    const snap = takeSnapshot(state)
    const cloned = structuredClone(snap)
    expect(cloned).toEqual(snap)
    send('5-2', { calcId: 'a', progress: 50 })
    acknowledgeAllAlarms(state)
    expect(snap.calcs.a.progress).toBe(0)
    expect(snap.alarms[0].read).toBe(false)
    expect(snap).not.toHaveProperty('index')
  })

  it('hydrate into an empty state gives the same data and working bookkeeping', () => {
    send('5-0', { calcId: 'a' })
    send('0-1', { calcId: 'b', status: 1 })
    send('4', { alarmId: 'x' })
    send('7', { alarmId: 'y' })
    acknowledgeAlarms(state, ['y'])
    const snap = structuredClone(takeSnapshot(state))

    const other = createInitialState()
    expect(hydrateState(other, snap, bounds)).toBe(true)
    expect(Object.keys(other.calcs).sort()).toEqual(['a', 'b'])
    expect(other.alarms.map((a) => [a.id, a.read])).toEqual([
      ['y', true],
      ['x', false],
    ])
    expect(unreadCount(other)).toBe(1)
    // Dedupe works against hydrated alarms; calcs go on where they were.
    state = other
    expect(send('4', { alarmId: 'x' })).toBeNull()
    send('5-2', { calcId: 'a', progress: 30 })
    expect(state.calcs.a.progress).toBe(30)
  })

  it('merges: a newer local record wins, alarms are united, read wins', () => {
    send('5-0', { calcId: 'a' })
    send('4', { alarmId: 'x' })
    const snap = structuredClone(takeSnapshot(state))
    snap.alarms[0].read = true
    send('5-2', { calcId: 'a', progress: 70 }) // newer than the snapshot
    send('4', { alarmId: 'z' })
    expect(hydrateState(state, snap, bounds)).toBe(true)
    expect(state.calcs.a.progress).toBe(70)
    expect(state.alarms.map((a) => [a.id, a.read])).toEqual([
      ['z', false],
      ['x', true],
    ])
    expect(unreadCount(state)).toBe(1)
  })

  it('rejects values that are not snapshots', () => {
    for (const bad of [null, 1, {}, { version: 2, calcs: {}, alarms: [] }, { version: 1, calcs: {} }]) {
      expect(hydrateState(state, bad, bounds)).toBe(false)
    }
  })

  it('keeps bounds when hydrating', () => {
    for (let i = 0; i < 10; i++) send('4', { alarmId: i })
    const other = createInitialState()
    hydrateState(other, takeSnapshot(state), { maxAlarms: 3, maxCalcs: 3 })
    expect(other.alarms.map((a) => a.id)).toEqual(['9', '8', '7'])
  })
})

// Guard: helper typing used above must match the record type.
const _record: Partial<CalcRecord> = { status: 'running' }
void _record
