import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, effectScope, h, nextTick, onMounted, ref } from 'vue'
import type { Component } from 'vue'
import { useAlarms } from '../../src/composables/useAlarms'
import { useCalc } from '../../src/composables/useCalc'
import { useSse } from '../../src/composables/useSse'
import { getActiveHub, setActiveHub, useSseHub } from '../../src/composables/useSseHub'
import { useSseListener } from '../../src/composables/useSseListener'
import { createBus } from '../../src/core/bus'
import type { SseStatus } from '../../src/core/connection'
import { SseError } from '../../src/core/errors'
import type { SseHub } from '../../src/hub'
import type { SseRole } from '../../src/core/role'
import { sseHubKey } from '../../src/keys'
import { isBuiltInType } from '../../src/core/protocol'
import type { SseMessage } from '../../src/core/protocol'
import { feedOf } from '../../src/store/storeFeed'
import { useSseStore } from '../../src/store/useSseStore'

// The smallest hub that behaves like the real one towards the composables: a bus, and a store fed with
// every message.
interface FakeHub extends SseHub {
  push(type: string, data: unknown, id?: string): void
  connects: number
  disconnects: number
}

function createFakeHub(pinia: Pinia): FakeHub {
  const bus = createBus()
  const store = useSseStore(pinia)
  // Not annotated, so the fake also fits while the hub interface grows.
  const impl = {
    on: bus.on,
    once: bus.once,
    off: bus.off,
    clear: bus.clear,
    listenerCount: bus.listenerCount,
    get status(): SseStatus {
      return store.connection.status
    },
    get role(): SseRole {
      return store.connection.role
    },
    store,
    connects: 0,
    disconnects: 0,
    connect(): void {
      impl.connects++
      feedOf(store).setConnection({ status: 'open' })
    },
    disconnect(): void {
      impl.disconnects++
      feedOf(store).setConnection({ status: 'closed' })
      store.reset()
    },
    dispose(): void {
      bus.clear()
    },
    options: { url: '/sse' },
    push(type: string, data: unknown, id = ''): void {
      const message = { type, data, id } as SseMessage
      feedOf(store).apply(message, isBuiltInType(type))
      bus.emit(message)
    },
  }
  const hub: FakeHub = impl
  return hub
}

let pinia: Pinia
let hub: FakeHub

function mountWith(component: Component): ReturnType<typeof mount> {
  return mount(component, { global: { plugins: [pinia], provide: { [sseHubKey as symbol]: hub } } })
}

beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  hub = createFakeHub(pinia)
})

afterEach(() => {
  setActiveHub(undefined)
})

describe('useSseHub', () => {
  it('injects the provided hub in a component', () => {
    let found: SseHub | undefined
    mountWith(
      defineComponent({
        setup() {
          found = useSseHub()
          return () => null
        },
      }),
    )
    expect(found).toBe(hub)
  })

  it('falls back to the active hub outside components', () => {
    expect(setActiveHub(hub)).toBeUndefined()
    expect(getActiveHub()).toBe(hub)
    expect(useSseHub()).toBe(hub)
  })

  it('throws a config error that says how to fix it when there is no hub', () => {
    let error: unknown
    try {
      useSseHub()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SseError)
    expect(error).toMatchObject({ kind: 'config' })
    expect((error as Error).message).toMatch(/^\[vue-sse-hub\].*app\.use\(ssePlugin/)
  })
})

describe('useSseListener', () => {
  it('receives its type, and is removed when the component unmounts', async () => {
    const received: unknown[] = []
    const wrapper = mountWith(
      defineComponent({
        setup() {
          useSseListener('5-2', (data) => received.push(data.progress))
          return () => null
        },
      }),
    )
    expect(hub.listenerCount()).toBe(1)
    hub.push('5-2', { calcId: 'a', progress: 12 })
    hub.push('5-0', { calcId: 'a' })
    expect(received).toEqual([12])
    wrapper.unmount()
    expect(hub.listenerCount()).toBe(0)
    hub.push('5-2', { calcId: 'a', progress: 40 })
    expect(received).toEqual([12])
  })

  it('two components on the same type both fire', () => {
    const calls: string[] = []
    const make = (name: string): Component =>
      defineComponent({
        setup() {
          useSseListener('4', (data) => calls.push(`${name}:${String(data.title)}`))
          return () => null
        },
      })
    const first = mountWith(make('first'))
    const second = mountWith(make('second'))
    hub.push('4', { title: 'Leak' })
    expect(calls).toEqual(['first:Leak', 'second:Leak'])
    first.unmount()
    hub.push('4', { title: 'Fire' })
    expect(calls).toEqual(['first:Leak', 'second:Leak', 'second:Fire'])
    second.unmount()
    expect(hub.listenerCount()).toBe(0)
  })

  it('works in an effect scope with the active hub, and returns off', () => {
    setActiveHub(hub)
    const handler = vi.fn()
    const scope = effectScope()
    const off = scope.run(() => useSseListener('*', handler))!
    hub.push('pump-state', { on: true })
    expect(handler).toHaveBeenCalledWith({ on: true }, { type: 'pump-state', data: { on: true }, id: '' })
    off()
    expect(hub.listenerCount()).toBe(0)
    scope.stop()
    expect(handler).toHaveBeenCalledTimes(1)
  })
})

describe('useSse', () => {
  it('renders the connection state and drives the hub', async () => {
    let api: ReturnType<typeof useSse> | undefined
    const wrapper = mountWith(
      defineComponent({
        setup() {
          api = useSse()
          return () => h('p', `${api!.status.value}|${api!.lastEventId.value}|${api!.role.value}|${api!.error.value?.kind ?? '-'}`)
        },
      }),
    )
    expect(wrapper.text()).toBe('idle||solo|-')
    api!.connect()
    hub.push('3', { message: 'pulled' }, '17')
    await nextTick()
    expect(hub.connects).toBe(1)
    expect(wrapper.text()).toBe('open|17|solo|-')
    feedOf(useSseStore(pinia)).setConnection({ status: 'reconnecting', error: { kind: 'network', message: 'offline' } })
    await nextTick()
    expect(wrapper.text()).toBe('reconnecting|17|solo|network')
    api!.disconnect()
    await nextTick()
    expect(hub.disconnects).toBe(1)
    expect(wrapper.text()).toBe('closed||solo|-')
  })

  it('on/once/off work, and what was added through it goes with the component', () => {
    const onCalls: unknown[] = []
    const onceCalls: unknown[] = []
    const kept = vi.fn()
    let api: ReturnType<typeof useSse> | undefined
    const wrapper = mountWith(
      defineComponent({
        setup() {
          api = useSse()
          api.on('7', (data) => onCalls.push(data.title))
          api.once('3', (data) => onceCalls.push(data.message))
          api.on('4', kept)
          return () => null
        },
      }),
    )
    expect(hub.listenerCount()).toBe(3)
    hub.push('3', { message: 'a' })
    hub.push('3', { message: 'b' })
    hub.push('7', { title: 'odd' })
    expect(onceCalls).toEqual(['a'])
    expect(onCalls).toEqual(['odd'])
    expect(api!.off('4', kept)).toBe(true)
    hub.push('4', {})
    expect(kept).not.toHaveBeenCalled()
    wrapper.unmount()
    expect(hub.listenerCount()).toBe(0)
  })

  it('a handler added after its component unmounted (e.g. after an await in onMounted) is not left running', async () => {
    let release!: () => void
    const loaded = new Promise<void>((resolve) => (release = resolve))
    const calls: unknown[] = []
    const wrapper = mountWith(
      defineComponent({
        setup() {
          const { on, once } = useSse()
          onMounted(async () => {
            await loaded
            on('4', (data) => calls.push(data.title))
            once('7', (data) => calls.push(data.title))
          })
          return () => null
        },
      }),
    )
    wrapper.unmount()
    release()
    await loaded
    await nextTick()
    hub.push('4', { title: 'after unmount' })
    hub.push('7', { title: 'after unmount' })
    expect(calls).toEqual([])
    expect(hub.listenerCount()).toBe(0)
  })

  it('forgets handlers that are gone, so a long-lived scope does not pile them up', () => {
    setActiveHub(hub)
    const scope = effectScope()
    const api = scope.run(() => useSse())!
    const offSpy = vi.spyOn(hub, 'off')
    for (let i = 0; i < 100; i++) api.once('3', () => {})
    hub.push('3', {})
    expect(hub.listenerCount('3')).toBe(0)
    const kept = vi.fn()
    api.on('4', kept)
    expect(api.off('4', kept)).toBe(true)
    // Nothing it added is left: off of a gone handler reaches the hub, which knows nothing of it.
    expect(api.off('4', kept)).toBe(false)
    expect(offSpy).toHaveBeenCalledTimes(1)
    scope.stop()
    expect(hub.listenerCount()).toBe(0)
  })
})

describe('useCalc', () => {
  it('follows a calc by id and the latest run of a kind', async () => {
    const id = ref<string | number>('c1')
    const wrapper = mountWith(
      defineComponent({
        setup() {
          const byId = useCalc(id)
          const byKind = useCalc('dyn')
          return () =>
            h('p', `${byId.status.value ?? 'none'}:${byId.progress.value}:${byId.running.value} ${byKind.calc.value?.id ?? 'none'}:${byKind.progress.value}`)
        },
      }),
    )
    expect(wrapper.text()).toBe('none:0:false none:0')
    hub.push('5-0', { calcId: 'c1' })
    hub.push('5-2', { calcId: 'c1', progress: 35 })
    await nextTick()
    expect(wrapper.text()).toBe('running:35:true c1:35')
    hub.push('5-0', { calcId: 'c2' })
    hub.push('5-1', { calcId: 'c1', status: 1 })
    await nextTick()
    expect(wrapper.text()).toBe('succeeded:100:false c2:0')
    id.value = 'c2'
    await nextTick()
    expect(wrapper.text()).toBe('running:0:true c2:0')
  })

  it('a calc whose id Vue keeps for itself (__proto__, __v_raw, __v_isReactive...) shows its progress like any other', async () => {
    const ids = ['__proto__', '__v_raw', '__v_skip', '__v_isReactive', '__v_isReadonly', '__v_isShallow', '__v_isRef', '__isVue']
    const wrapper = mountWith(
      defineComponent({
        setup() {
          const calcs = ids.map((id) => useCalc(id))
          const store = useSseStore()
          return () =>
            h('p', [
              calcs.map((c) => `${c.calc.value?.id}:${c.progress.value}`).join(' '),
              ` | ${store.runningCalcs.map((c) => c.name).join()}`,
            ])
        },
      }),
    )
    for (const id of ids) hub.push('5-0', { calcId: id, calcName: 'n' })
    await nextTick()
    for (const id of ids) hub.push('5-2', { calcId: id, progress: 40 })
    await nextTick()
    expect(wrapper.text()).toBe(`${ids.map((id) => `${id}:40`).join(' ')} | ${ids.map(() => 'n').join()}`)
    expect(Object.keys(useSseStore().calcs)).toEqual(ids)
  })

  it('accepts numeric calc ids', async () => {
    const wrapper = mountWith(
      defineComponent({
        setup() {
          const { progress } = useCalc(7)
          return () => h('p', String(progress.value))
        },
      }),
    )
    hub.push('6-2', { calcId: 7, progress: 50 })
    await nextTick()
    expect(wrapper.text()).toBe('50')
  })
})

describe('useAlarms', () => {
  it('renders alarms and the unread count, and acknowledges', async () => {
    let api: ReturnType<typeof useAlarms> | undefined
    const wrapper = mountWith(
      defineComponent({
        setup() {
          api = useAlarms()
          return () =>
            h('div', [
              h('b', String(api!.unreadCount.value)),
              ...api!.alarms.value.map((a) => h('i', `${a.title}${a.read ? '✓' : ''}`)),
            ])
        },
      }),
    )
    expect(wrapper.text()).toBe('0')
    hub.push('4', { alarmId: 1, title: 'Leak' })
    hub.push('7', { alarmId: 2, title: 'Spike' })
    await nextTick()
    expect(wrapper.text()).toBe('2SpikeLeak')
    api!.acknowledge('1')
    await nextTick()
    expect(wrapper.text()).toBe('1SpikeLeak✓')
    api!.acknowledgeAll()
    await nextTick()
    expect(wrapper.text()).toBe('0Spike✓Leak✓')
    api!.clear()
    await nextTick()
    expect(wrapper.text()).toBe('0')
  })

  it('a child component given an alarm record updates when it is acknowledged', async () => {
    const Item = defineComponent({
      props: { alarm: { type: Object, required: true } },
      setup(props) {
        return () => h('i', `${String(props.alarm.title)}${props.alarm.read ? '✓' : ''}`)
      },
    })
    let api: ReturnType<typeof useAlarms> | undefined
    const wrapper = mountWith(
      defineComponent({
        setup() {
          api = useAlarms()
          return () => h('div', api!.alarms.value.map((a) => h(Item, { alarm: a, key: a.id })))
        },
      }),
    )
    hub.push('4', { alarmId: 1, title: 'Leak' })
    await nextTick()
    expect(wrapper.text()).toBe('Leak')
    api!.acknowledge('1')
    await nextTick()
    expect(wrapper.text()).toBe('Leak✓')
  })
})
