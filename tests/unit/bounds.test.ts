import { describe, expect, it } from 'vitest'
import type { SseMessage } from '../../src/core/protocol'
import { unreadCount } from '../../src/store/alarms'
import { runningCalcs } from '../../src/store/calcs'
import { applyMessage } from '../../src/store/reducers'
import { createInitialState } from '../../src/store/state'

// A months-long session in fast-forward: memory must stay flat whatever the server sends.
describe('bounds over 1,000,000 messages', () => {
  it('never keeps more than maxAlarms alarms nor maxCalcs calcs', () => {
    const maxAlarms = 500
    const maxCalcs = 200
    const state = createInitialState()
    const types = ['0-0', '0-1', '1-0', '1-1', '2-0', '2-1', '3', '4', '5-0', '5-1', '5-2', '6-0', '6-1', '6-2', '7', 'x-1']
    const message: SseMessage = { type: '', data: null, id: '' }
    let maxSeenAlarms = 0
    let maxSeenCalcs = 0

    for (let i = 0; i < 1_000_000; i++) {
      const type = types[i % types.length]
      message.type = type
      message.id = String(i)
      // Unique ids, with some calcs that never end so running ones also compete for room.
      const calcId = i % 7 === 0 ? `stuck-${i}` : `calc-${i >> 3}`
      message.data =
        type === '4' || type === '7'
          ? { alarmId: `alarm-${i}`, level: 'error', title: 't' }
          : { calcId, progress: i % 101, status: i % 2, isTrace: i % 2 }
      applyMessage(state, message, { now: i, successStatuses: [1], maxAlarms, maxCalcs })

      if (i % 10_000 === 0) {
        const calcCount = Object.keys(state.calcs).length
        maxSeenAlarms = Math.max(maxSeenAlarms, state.alarms.length)
        maxSeenCalcs = Math.max(maxSeenCalcs, calcCount)
        expect(state.alarms.length).toBeLessThanOrEqual(maxAlarms)
        expect(calcCount).toBeLessThanOrEqual(maxCalcs)
        expect(state.index.running.size + state.index.finished.size).toBe(calcCount)
      }
    }

    expect(state.alarms).toHaveLength(maxAlarms)
    expect(Object.keys(state.calcs)).toHaveLength(maxCalcs)
    expect(maxSeenAlarms).toBe(maxAlarms)
    expect(maxSeenCalcs).toBe(maxCalcs)
    expect(unreadCount(state)).toBe(maxAlarms)
    // The newest alarm is first, and the kept ones are the newest ones.
    const ids = state.alarms.map((a) => Number(a.id.slice('alarm-'.length)))
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(ids[0]).toBeGreaterThan(999_000)
    for (const calc of runningCalcs(state)) expect(calc.endedAt).toBeNull()
  }, 120_000)
})
