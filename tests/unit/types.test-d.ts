import { describe, expectTypeOf, it } from 'vitest'
import type { ComputedRef } from 'vue'
import type { UseAlarmsReturn } from '../../src/composables/useAlarms'
import type { UseCalcReturn } from '../../src/composables/useCalc'
import type { UseSseReturn } from '../../src/composables/useSse'
import { useSseListener } from '../../src/composables/useSseListener'
import { createBus } from '../../src/core/bus'
import type { SseHub } from '../../src/hub'
import type { AlarmPayload, CalcPayload, ScadaPayload, SseMessage, TraceCalcPayload } from '../../src/protocol'
import type { AlarmRecord, CalcRecord, CalcStatus } from '../../src/store/reducers'
import type { SseStore } from '../../src/store/useSseStore'

// How an app adds its own messageType.
declare module '../../src/protocol' {
  interface SseMessageMap {
    'pump-state': { pumpId: string; running: boolean }
  }
}

declare const hub: SseHub
declare const sse: UseSseReturn
declare const store: SseStore

describe('payload types follow SseMessageMap', () => {
  it('built-in types', () => {
    useSseListener('5-2', (data, message) => {
      expectTypeOf(data).toEqualTypeOf<CalcPayload>()
      expectTypeOf(data.progress).toEqualTypeOf<number | undefined>()
      expectTypeOf(message).toEqualTypeOf<SseMessage<'5-2'>>()
    })
    useSseListener('2-1', (data) => expectTypeOf(data).toEqualTypeOf<TraceCalcPayload>())
    useSseListener('4', (data) => expectTypeOf(data).toEqualTypeOf<AlarmPayload>())
    sse.on('3', (data) => expectTypeOf(data).toEqualTypeOf<ScadaPayload>())
    sse.once('5-2', (data) => expectTypeOf(data).toEqualTypeOf<CalcPayload>())
    hub.on('5-2', (data) => expectTypeOf(data).toEqualTypeOf<CalcPayload>())
    createBus().on('5-2', (data) => expectTypeOf(data).toEqualTypeOf<CalcPayload>())
  })

  it('an augmented app type', () => {
    const off = useSseListener('pump-state', (data) => {
      expectTypeOf(data).toEqualTypeOf<{ pumpId: string; running: boolean }>()
      expectTypeOf(data.running).toBeBoolean()
    })
    expectTypeOf(off).toEqualTypeOf<() => void>()
    createBus().on('pump-state', (data) => expectTypeOf(data.pumpId).toBeString())
    sse.on('pump-state', (data) => expectTypeOf(data.pumpId).toBeString())
  })

  it('an unknown type and the wildcard give unknown', () => {
    useSseListener('not-in-the-map', (data, message) => {
      expectTypeOf(data).toBeUnknown()
      expectTypeOf(message.type).toEqualTypeOf<'not-in-the-map'>()
    })
    createBus().on('nope', (data) => expectTypeOf(data).toBeUnknown())
    useSseListener('*', (data, message) => {
      expectTypeOf(data).toBeUnknown()
      expectTypeOf(message.type).toBeString()
    })
  })

  it('handlers of the wrong payload type are rejected', () => {
    // @ts-expect-error progress is a number, not a string
    useSseListener('5-2', (data: { progress: string }) => data)
    // @ts-expect-error the augmented payload has no such field
    useSseListener('pump-state', (data) => data.pressure)
  })
})

describe('composable and store shapes', () => {
  it('useSse', () => {
    expectTypeOf(sse.status.value).toEqualTypeOf<'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'>()
    expectTypeOf(sse.lastEventId).toEqualTypeOf<ComputedRef<string>>()
    expectTypeOf(sse.role.value).toEqualTypeOf<'solo' | 'leader' | 'follower'>()
    expectTypeOf(sse.off).returns.toBeBoolean()
  })

  it('useCalc and useAlarms', () => {
    expectTypeOf<UseCalcReturn['calc']>().toEqualTypeOf<ComputedRef<CalcRecord | undefined>>()
    expectTypeOf<UseCalcReturn['status']>().toEqualTypeOf<ComputedRef<CalcStatus | undefined>>()
    expectTypeOf<UseCalcReturn['progress']>().toEqualTypeOf<ComputedRef<number>>()
    expectTypeOf<UseAlarmsReturn['alarms']>().toEqualTypeOf<ComputedRef<readonly AlarmRecord[]>>()
  })

  it('the store', () => {
    expectTypeOf(store.calcs).toEqualTypeOf<Record<string, CalcRecord>>()
    expectTypeOf(store.alarms).toEqualTypeOf<AlarmRecord[]>()
    expectTypeOf(store.latestCalc).parameter(0).toEqualTypeOf<'steady' | 'sandboxSteady' | 'trace' | 'dyn' | 'sandboxDyn'>()
    expectTypeOf(store.unreadCount).toBeNumber()
    expectTypeOf(store.runningCalcs).toEqualTypeOf<CalcRecord[]>()
    expectTypeOf(store.apply).parameters.toEqualTypeOf<[SseMessage, boolean]>()
    expectTypeOf(store.snapshot().version).toEqualTypeOf<1>()
  })
})
