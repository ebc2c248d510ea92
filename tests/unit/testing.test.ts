import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { useAlarms } from '../../src/composables/useAlarms'
import { useCalc } from '../../src/composables/useCalc'
import { useSse } from '../../src/composables/useSse'
import { getActiveHub, setActiveHub } from '../../src/composables/useSseHub'
import { useSseListener } from '../../src/composables/useSseListener'
import { SseError } from '../../src/core/errors'
import { useSseStore } from '../../src/store/useSseStore'
import { createTestingHub } from '../../src/testing'
import type { TestingHub } from '../../src/testing'
import { popups } from './notifyDom'

// The testing kit as an app's component tests use it: messages in through emit(), what the user sees out.

const Dashboard = defineComponent({
  setup() {
    const { status, error } = useSse()
    const { progress, running } = useCalc('dyn')
    const { alarms, unreadCount } = useAlarms()
    const heard: string[] = []
    useSseListener('4', (alarm) => heard.push(String(alarm.title)))
    return () =>
      h('div', [
        h('p', { class: 'status' }, status.value),
        h('p', { class: 'error' }, error.value?.kind ?? ''),
        h('p', { class: 'progress' }, `${progress.value}${running.value ? ' running' : ''}`),
        h('p', { class: 'unread' }, String(unreadCount.value)),
        h('ul', alarms.value.map((alarm) => h('li', { key: alarm.id }, alarm.title))),
        h('p', { class: 'heard' }, heard.join(',')),
      ])
  },
})

let sse: TestingHub | undefined

beforeEach(() => {
  document.body.innerHTML = ''
})

afterEach(() => {
  sse?.dispose()
  sse = undefined
  setActiveHub(undefined)
})

function mountDashboard(hub: TestingHub) {
  return mount(Dashboard, { global: { plugins: [createPinia(), hub] }, attachTo: document.body })
}

describe('createTestingHub', () => {
  it('delivers emitted messages through the live path: store, composables and listeners', async () => {
    sse = createTestingHub({ notify: false })
    const wrapper = mountDashboard(sse)
    expect(wrapper.find('.status').text()).toBe('open')

    sse.emit('5-0', { calcId: 'run-1', calcName: 'Transient' })
    sse.emit('5-2', { calcId: 'run-1', progress: 40 })
    sse.emit('4', { alarmId: 'a1', title: 'Pump 3 pressure high', level: 'warning' })
    await nextTick()

    expect(wrapper.find('.progress').text()).toBe('40 running')
    expect(wrapper.find('.unread').text()).toBe('1')
    expect(wrapper.findAll('li').map((li) => li.text())).toEqual(['Pump 3 pressure high'])
    wrapper.vm.$forceUpdate()
    await nextTick()
    expect(wrapper.find('.heard').text()).toBe('Pump 3 pressure high')
  })

  it('drops a message whose id was delivered before, as a live stream does', async () => {
    sse = createTestingHub({ notify: false })
    const wrapper = mountDashboard(sse)
    sse.emit('4', { alarmId: 'a1', title: 'first' }, { id: '7' })
    sse.emit('4', { alarmId: 'a2', title: 'replayed' }, { id: '7' })
    await nextTick()
    expect(wrapper.findAll('li').map((li) => li.text())).toEqual(['first'])
  })

  it('counts and reports what the decoder rejects, and goes on', async () => {
    const errors: SseError[] = []
    sse = createTestingHub({ notify: false, onError: (error) => errors.push(error) })
    mountDashboard(sse)
    sse.emitRaw({ data: '{ not json' })
    sse.emit('3', { message: 'pulled' })
    const store = useSseStore()
    expect(store.stats.malformed).toBe(1)
    expect(store.stats.received).toBe(1)
    expect(errors.map((error) => error.kind)).toEqual(['decode'])
  })

  it('sets the connection state and fails the stream as a server would', async () => {
    const errors: SseError[] = []
    sse = createTestingHub({ notify: false, onError: (error) => errors.push(error) })
    const wrapper = mountDashboard(sse)

    sse.setStatus('reconnecting')
    await nextTick()
    expect(wrapper.find('.status').text()).toBe('reconnecting')

    sse.fail(new SseError('http', 'Service unavailable', { status: 503 }))
    await nextTick()
    expect(wrapper.find('.error').text()).toBe('http')
    expect(errors.map((error) => error.status)).toEqual([503])

    sse.fail('unauthorized', 'closed')
    await nextTick()
    expect(wrapper.find('.status').text()).toBe('closed')
    expect(wrapper.find('.error').text()).toBe('unauthorized')

    sse.setStatus('open')
    await nextTick()
    expect(wrapper.find('.status').text()).toBe('open')
    expect(wrapper.find('.error').text()).toBe('')
    expect(useSseStore().stats.reconnects).toBe(1)
  })

  it('pops the notifications of emitted messages once flushed', async () => {
    sse = createTestingHub({ notify: { locale: 'en' } })
    mountDashboard(sse)
    sse.emit('4', { alarmId: 'a1', title: 'Pump 3 pressure high', level: 'error' })
    await sse.flush()
    expect(popups().map((popup) => popup.textContent)).toEqual([expect.stringContaining('Pump 3 pressure high')])
  })

  it('follows token as the real hub does: nothing arrives while logged out, logout clears the store', async () => {
    const token = ref<string | null>(null)
    sse = createTestingHub({ token, notify: false })
    const wrapper = mountDashboard(sse)
    expect(() => sse!.emit('4', { alarmId: 'a1' })).toThrow(/not open/)

    token.value = 'alice'
    await nextTick()
    sse.emit('4', { alarmId: 'a1', title: 'for alice' })
    await nextTick()
    expect(wrapper.find('.unread').text()).toBe('1')

    token.value = null
    await nextTick()
    expect(wrapper.find('.status').text()).toBe('closed')
    expect(wrapper.find('.unread').text()).toBe('0')
  })

  it('is the active hub for code outside components, with the active Pinia', () => {
    setActivePinia(createPinia())
    sse = createTestingHub({ notify: false })
    expect(getActiveHub()).toBe(sse.hub)
    sse.emit('5-0', {})
    sse.emit('5-2', { progress: 10 })
    expect(useSseStore().latestCalc('dyn')?.progress).toBe(10)
    expect(useSseStore().connection.status).toBe('open')
  })
})
