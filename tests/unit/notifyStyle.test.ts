import { afterEach, describe, expect, it, vi } from 'vitest'
import { createNotifier } from '../../src/notify/notifier'
import { flush, msg, popups, useNotifyDom } from './notifyDom'

// happy-dom applies no stylesheet: what Chromium computes for a popup without Element Plus's
// notification style (the on-demand app that forgot the import, see the package test) is stubbed.

const dom = useNotifyDom()

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a popup without its Element Plus style', () => {
  it('makes the development build say, once, which style to import', async () => {
    const computed = window.getComputedStyle.bind(window)
    vi.spyOn(window, 'getComputedStyle').mockImplementation((element) => {
      const style = computed(element)
      return element.classList.contains('el-notification') ? ({ ...style, position: 'static' } as CSSStyleDeclaration) : style
    })
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const notifier = dom.track(createNotifier({ locale: 'en' }, undefined, dom.appContext))
    notifier.notify(msg('4', { alarmId: 1, title: 'Pump 3 stopped' }))
    notifier.notify(msg('4', { alarmId: 2, title: 'Pump 4 stopped' }))
    await flush()
    expect(popups()).toHaveLength(2)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0][0]).toMatch(/import 'element-plus\/es\/components\/notification\/style\/css'/)
  })
})
