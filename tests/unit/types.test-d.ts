import { describe, expectTypeOf, it } from 'vitest'
import type { ComputedRef } from 'vue'
import type { UseAlarmsReturn } from '../../src/composables/useAlarms'
import type { UseCalcReturn } from '../../src/composables/useCalc'
import type { UseSseReturn } from '../../src/composables/useSse'
import { useSseListener } from '../../src/composables/useSseListener'
import { createBus } from '../../src/core/bus'
import type { SseHub } from '../../src/hub'
import { defaultRenderers } from '../../src/notify/renderers'
import type { NotifyOptions, NotifyRenderer } from '../../src/options'
import type { AlarmPayload, CalcPayload, ScadaPayload, SseMessage, TraceCalcPayload } from '../../src/core/protocol'
import type { AlarmRecord, CalcRecord, CalcStatus } from '../../src/store/state'
import { feedOf } from '../../src/store/storeFeed'
import type { SseStore } from '../../src/store/useSseStore'
import type { TestingHub } from '../../src/testing'
import * as exchange from '../../src/lazyTabSharing'

// How an app adds its own messageType.
declare module '../../src/core/protocol' {
  interface SseMessageMap {
    'pump-state': { pumpId: string; running: boolean }
  }
}

declare const hub: SseHub
declare const sse: UseSseReturn
declare const store: SseStore
declare const testing: TestingHub

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

describe('notification renderers are typed per messageType', () => {
  it("a built-in type's renderer gets its payload type, an app type's its own, any other type unknown", () => {
    const options: NotifyOptions = {
      renderers: {
        '4': (message) => {
          expectTypeOf(message.data).toEqualTypeOf<AlarmPayload>()
          expectTypeOf(message.type).toEqualTypeOf<'4'>()
          return { title: message.data.title }
        },
        '5-2': (message) => (message.data.progress === 100 ? { title: '100 %' } : null),
        '3': (message) => {
          expectTypeOf(message.data).toEqualTypeOf<ScadaPayload>()
          return null
        },
        'pump-state': (message) => {
          expectTypeOf(message.data).toEqualTypeOf<{ pumpId: string; running: boolean }>()
          return { title: message.data.pumpId }
        },
        'not-in-the-map': (message) => {
          expectTypeOf(message.data).toBeUnknown()
          return null
        },
        '7': false,
      },
    }
    expectTypeOf(options).toMatchTypeOf<NotifyOptions>()
  })

  it('a renderer declared on its own, and a built-in one wrapped, keep their types', () => {
    const alarmTopLeft: NotifyRenderer<'4'> = (message, context) => {
      expectTypeOf(message.data.level).toEqualTypeOf<AlarmPayload['level']>()
      const popup = defaultRenderers['4'](message, context)
      return popup && { ...popup, position: 'top-left' }
    }
    const anyMessage: NotifyRenderer = (message) => {
      expectTypeOf(message.data).toBeUnknown()
      return null
    }
    const options: NotifyOptions = { renderers: { '4': alarmTopLeft, '7': anyMessage, 'pump-state': anyMessage } }
    expectTypeOf(options.renderers).not.toBeAny()
  })

  it('wrong accesses and mismatched renderers do not compile', () => {
    const alarmOnly: NotifyRenderer<'4'> = (message) => ({ title: message.data.title })
    const options: NotifyOptions = {
      renderers: {
        // @ts-expect-error an alarm's title is a string or undefined: no toFixed
        '4': (message) => ({ title: message.data.title.toFixed() }),
        // @ts-expect-error the augmented payload has no such field
        'pump-state': (message) => ({ title: message.data.pumpName }),
        // @ts-expect-error a renderer of alarms cannot take calc progress messages
        '5-2': alarmOnly,
        // @ts-expect-error data of a type outside the map is unknown
        other: (message) => ({ title: message.data.title }),
      },
    }
    expectTypeOf(options).toMatchTypeOf<NotifyOptions>()
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
    expectTypeOf(feedOf(store).apply).parameters.toEqualTypeOf<[SseMessage, boolean]>()
    expectTypeOf(feedOf(store).snapshot(exchange).version).toEqualTypeOf<1>()
    // What the hub calls is not on the store's type.
    expectTypeOf(store).not.toHaveProperty('apply')
    expectTypeOf(store).not.toHaveProperty('hydrate')
    expectTypeOf(store.$state).not.toHaveProperty('apply')
  })
})

describe('the testing kit emits typed messages', () => {
  it('takes the payload type of the messageType, the app\'s own types included', () => {
    testing.emit('5-2', { calcId: 'c1', progress: 40 })
    testing.emit('pump-state', { pumpId: 'p3', running: false })
    testing.emit('some-type-nobody-declared', 42)
    // @ts-expect-error -- progress is a number
    testing.emit('5-2', { progress: 'forty' })
    // @ts-expect-error -- a pump-state needs running
    testing.emit('pump-state', { pumpId: 'p3' })
  })
})
