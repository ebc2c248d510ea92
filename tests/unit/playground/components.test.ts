import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import type { Component } from 'vue'
import AlarmTable from '../../../playground/components/AlarmTable.vue'
import CalcCard from '../../../playground/components/CalcCard.vue'
import ConnectionPanel from '../../../playground/components/ConnectionPanel.vue'
import { t } from '../../../playground/i18n'
import { setActiveHub } from '../../../src/composables/useSseHub'
import { createTestingHub } from '../../../src/testing'
import type { TestingHub } from '../../../src/testing'

// The playground's own components, tested as an app's would be: the testing kit's hub in place of the
// network, messages in through emit(), what the operator sees out.

let sse: TestingHub | undefined

afterEach(() => {
  sse?.dispose()
  sse = undefined
  setActiveHub(undefined)
})

function render(component: Component, props: Record<string, unknown> = {}) {
  sse = createTestingHub({ notify: false })
  const wrapper = mount(component, { props, global: { plugins: [createPinia(), ElementPlus, sse] } })
  return { wrapper, sse }
}

const attr = (element: { attributes(name: string): string | undefined }, name: string): string | undefined => element.attributes(name)

describe('CalcCard', () => {
  it('follows a transient calculation from start to end', async () => {
    const { wrapper, sse } = render(CalcCard, { kind: 'dyn' })
    const card = (): ReturnType<typeof wrapper.find> => wrapper.find('[data-test="calc-dyn"]')
    expect(attr(card(), 'data-status')).toBe('idle')

    sse.emit('5-0', { calcId: 'run-7', calcName: 'Morning peak' })
    sse.emit('5-2', { calcId: 'run-7', progress: 62.4 })
    await nextTick()
    expect(attr(card(), 'data-status')).toBe('running')
    expect(attr(wrapper.find('[data-test="calc-progress"]'), 'data-progress')).toBe('62')
    expect(wrapper.find('.calc__label').text()).toBe('Morning peak')
    expect(wrapper.find('[data-test="calc-start"]').attributes('disabled')).toBeDefined()

    sse.emit('5-1', { calcId: 'run-7', status: 0, message: 'diverged' })
    await nextTick()
    expect(attr(card(), 'data-status')).toBe('failed')
    expect(wrapper.find('[data-test="calc-status"]').text()).toBe(t.calc.statuses.failed)
  })
})

describe('AlarmTable', () => {
  it('lists alarms newest first, counts the unread ones, and marks them read', async () => {
    const { wrapper, sse } = render(AlarmTable)
    sse.emit('4', { alarmId: 'a1', title: 'Pressure low', content: 'Station 3', level: 'warning' })
    sse.emit('7', { alarmId: 'a2', title: 'Flow meter stuck', level: 'error' })
    // Element Plus lays a table out over a few ticks before its rows render.
    await vi.waitFor(() =>
      expect(wrapper.findAll('[data-test="alarm-title"]').map((cell) => cell.text())).toEqual(['Flow meter stuck', 'Pressure low']),
    )
    expect(attr(wrapper.find('[data-test="alarm-unread"]'), 'data-unread')).toBe('2')

    expect(wrapper.findAll('[data-test="alarm-ack"]')).toHaveLength(2)
    await wrapper.find('[data-test="alarm-ack-all"]').trigger('click')
    expect(attr(wrapper.find('[data-test="alarm-unread"]'), 'data-unread')).toBe('0')
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="alarm-ack"]')).toHaveLength(0))
  })
})

describe('ConnectionPanel', () => {
  it('shows the stream as it goes, the last id, and a reconnect button once it gave up', async () => {
    const { wrapper, sse } = render(ConnectionPanel)
    expect(attr(wrapper.find('[data-test="connection-status"]'), 'data-status')).toBe('open')

    sse.emit('3', { message: 'pulled' }, { id: '1042' })
    await nextTick()
    expect(wrapper.find('[data-test="connection-last-event-id"]').text()).toBe('1042')
    expect(wrapper.find('[data-test="stats-received"]').text()).toBe('1')

    sse.fail('http', 'closed')
    await nextTick()
    expect(attr(wrapper.find('[data-test="connection-status"]'), 'data-status')).toBe('closed')
    await wrapper.find('[data-test="connection-reconnect"]').trigger('click')
    expect(attr(wrapper.find('[data-test="connection-status"]'), 'data-status')).toBe('open')
  })
})
