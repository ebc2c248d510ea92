// One message to the part of the state it changes. These functions and those they call are pure state
// changes: plain objects in, the same objects mutated, no Vue and no clock (time comes in through the
// context). The store runs them on its reactive state; tests and benchmarks on plain objects.
import { calcMessageTypes, isAlarmType } from '../core/protocol'
import type { ScadaPayload, SseMessage } from '../core/protocol'
import { addAlarm, enforceAlarmBound } from './alarms'
import { applyCalc, enforceCalcBound } from './calcs'
import type { ApplyContext, ApplyResult, SseState } from './state'
import { asRecord } from './values'

/** Applies one message to the state. Unknown messageTypes change nothing (the store counts them). */
export function applyMessage(state: SseState, message: SseMessage, ctx: ApplyContext): ApplyResult {
  const type = message.type
  const calc = Object.hasOwn(calcMessageTypes, type) ? calcMessageTypes[type] : undefined
  if (calc !== undefined) return applyCalc(state, message, calc[0], calc[1], ctx) ? 'calc' : null
  if (isAlarmType(type)) return addAlarm(state, message, ctx) ? 'alarm' : null
  if (type === '3' /* scada */) {
    const scada = ctx.edit?.(state.scada) ?? state.scada
    scada.lastPulledAt = ctx.now
    scada.data = asRecord(message.data) as ScadaPayload
    return 'scada'
  }
  return null
}

/** Trims the lists to new bounds (e.g. after the bounds were lowered). */
export function enforceBounds(state: SseState, bounds: { maxAlarms: number; maxCalcs: number }): void {
  enforceAlarmBound(state, bounds.maxAlarms)
  enforceCalcBound(state, bounds.maxCalcs)
}
