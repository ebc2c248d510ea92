import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { createTestingHub } from 'vue-sse-hub/testing'
import CalcStatus from './CalcStatus.vue'
import PumpState from './PumpState.vue'

describe('CalcStatus', () => {
  it('shows the latest transient calculation and the connection status', async () => {
    const sse = createTestingHub({ notify: false })
    const wrapper = mount(CalcStatus, { global: { plugins: [createPinia(), ElementPlus, sse] } })
    expect(wrapper.find('.el-tag').text()).toBe('open')

    // Typed by SseMessageMap: '5-2' takes a CalcPayload.
    sse.emit('5-0', { calcId: 'run-1', calcName: 'Transient' })
    sse.emit('5-2', { calcId: 'run-1', progress: 40 })
    await nextTick()
    expect(wrapper.find('.el-progress').attributes('aria-valuenow')).toBe('40')

    sse.setStatus('reconnecting')
    await nextTick()
    expect(wrapper.find('.el-tag').text()).toBe('reconnecting')
  })

  it('pops a notification for an alarm', async () => {
    const sse = createTestingHub({ notify: { locale: 'en' } })
    mount(CalcStatus, { global: { plugins: [createPinia(), ElementPlus, sse] }, attachTo: document.body })

    sse.emit('4', { alarmId: 'a1', title: 'Pump 3 stopped', level: 'warning' })
    await sse.flush() // the popups load, are decided and mount in tasks of their own
    expect(document.querySelector('.el-notification')?.textContent).toContain('Pump 3 stopped')
  })
})

describe('PumpState', () => {
  it("shows the app's own messageType", async () => {
    const sse = createTestingHub({ notify: false })
    const wrapper = mount(PumpState, { global: { plugins: [createPinia(), sse] } })

    // The app's own type (src/sse-messages.d.ts) is typed too.
    sse.emit('pump-state', { pumpId: 'p3', running: false })
    await nextTick()
    expect(wrapper.text()).toBe('p3: stopped')
  })
})
