import { ElNotification } from 'element-plus'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createNotifier } from '../../src/notify/notifier'
import type { Notifier } from '../../src/notify/notifier'
import type { NotifyOptions } from '../../src/options'
import type { SseMessage } from '../../src/protocol'
import { describePopup, flush, popups, useNotifyDom, waitUntilGone } from './notifyDom'

const dom = useNotifyDom()
let clock = 0

beforeEach(() => {
  clock = 1_000_000
})

function create(options?: NotifyOptions): Notifier {
  return dom.track(createNotifier(options, undefined, dom.appContext, undefined, undefined, () => clock))
}

function alarm(i: number, level = 'warning'): SseMessage {
  return { type: '4', data: { alarmId: i, level, content: `alarm ${i}` }, id: String(i) } as SseMessage
}

const summaries = (): HTMLElement[] => popups('.sse-notify--summary')
const summaryText = (): string => describePopup(summaries()[0]).text

describe('storm control', () => {
  it('200 alarms in one tick: maxVisible popups and one summary counting the rest, updated in place', async () => {
    const n = create()
    for (let i = 0; i < 200; i++) n.notify(alarm(i))
    await flush()

    expect(popups()).toHaveLength(5)
    expect(popups('.sse-notify--4').map((el) => describePopup(el).text)).toEqual([
      expect.stringContaining('alarm 0'),
      expect.stringContaining('alarm 1'),
      expect.stringContaining('alarm 2'),
      expect.stringContaining('alarm 3'),
    ])
    expect(summaries()).toHaveLength(1)
    expect(summaryText()).toBe('+196 条告警')
    const summaryElement = summaries()[0]

    clock += 500
    for (let i = 200; i < 210; i++) n.notify(alarm(i))
    await flush()
    expect(popups()).toHaveLength(5)
    expect(summaries()[0]).toBe(summaryElement)
    expect(summaryText()).toBe('+206 条告警')
  })

  it('pops normally again once the window has passed, folding the overflow into the open summary', async () => {
    const n = create()
    for (let i = 0; i < 200; i++) n.notify(alarm(i))
    clock += 2000
    n.notify(alarm(500))
    await flush()
    expect(popups()).toHaveLength(6)
    expect(describePopup(popups().at(-1)!).text).toContain('alarm 500')

    for (let i = 501; i < 505; i++) n.notify(alarm(i))
    await flush()
    expect(popups('.sse-notify--4')).toHaveLength(8)
    expect(summaries()).toHaveLength(1)
    expect(summaryText()).toBe('+197 条告警')
  })

  it('honours maxVisible, groupWindow and the en locale; mixed types are counted as notifications', async () => {
    const n = create({ maxVisible: 2, groupWindow: 10_000, locale: 'en' })
    n.notify(alarm(1))
    n.notify(alarm(2))
    n.notify(alarm(3))
    await flush()
    expect(summaryText()).toBe('+1 more alarm')
    expect(describePopup(summaries()[0]).title).toBe('More notifications')
    n.notify({ type: '5-1', data: { status: 1 }, id: '' } as SseMessage)
    clock += 9_999
    n.notify(alarm(4))
    await flush()
    expect(popups()).toHaveLength(3)
    expect(summaryText()).toBe('+3 more notifications')
  })

  it('a folded error alarm makes the single summary an error that stays', async () => {
    const n = create()
    for (let i = 0; i < 10; i++) n.notify(alarm(i))
    await flush()
    expect(describePopup(summaries()[0]).type).toBe('warning')
    n.notify(alarm(10, 'critical'))
    n.notify(alarm(11, 'info'))
    await flush()
    // The milder summary leaves; only the reopened one remains.
    await vi.waitFor(() => expect(summaries()).toHaveLength(1), { timeout: 3000, interval: 5 })
    expect(describePopup(summaries()[0]).type).toBe('error')
    expect(summaryText()).toBe('+8 条告警')
  })

  it('a summary of warnings closes by itself; one that folded a critical alarm stays', async () => {
    vi.useFakeTimers()
    try {
      const n = create()
      for (let i = 0; i < 10; i++) n.notify(alarm(i))
      await vi.advanceTimersByTimeAsync(60_000)
      expect(popups()).toHaveLength(0)

      clock += 60_000
      for (let i = 0; i < 10; i++) n.notify(alarm(i))
      n.notify(alarm(10, 'critical'))
      await vi.advanceTimersByTimeAsync(60_000)
      expect(popups().map((el) => describePopup(el))).toEqual([
        { title: '更多通知', type: 'error', text: '+7 条告警' },
      ])
    } finally {
      vi.useRealTimers()
    }
  })

  it('a sustained storm of critical alarms keeps at most maxVisible sticky popups on screen', async () => {
    const n = create()
    // One critical alarm every 100 ms for a minute: 30 storm windows.
    for (let i = 0; i < 600; i++) {
      n.notify(alarm(i, 'critical'))
      clock += 100
    }
    await flush()
    expect(popups('.sse-notify--4')).toHaveLength(4)
    expect(summaries()).toHaveLength(1)
    expect(summaryText()).toBe('+596 条告警')

    // The user closes one: the next critical alarm has room again.
    popups('.sse-notify--4')[0].querySelector<HTMLElement>('.el-notification__closeBtn')!.click()
    await vi.waitFor(() => expect(popups('.sse-notify--4')).toHaveLength(3), { timeout: 3000, interval: 5 })
    clock += 2000
    n.notify(alarm(600, 'critical'))
    await flush()
    expect(popups('.sse-notify--4')).toHaveLength(4)
    expect(describePopup(popups('.sse-notify--4').at(-1)!).text).toContain('alarm 600')
    expect(summaryText()).toBe('+596 条告警')
  })

  it('a summary closed by the user is replaced by a fresh one', async () => {
    const n = create()
    for (let i = 0; i < 10; i++) n.notify(alarm(i))
    await flush()
    summaries()[0].querySelector<HTMLElement>('.el-notification__closeBtn')!.click()
    await waitUntilGone('.sse-notify--summary')
    n.notify(alarm(10))
    await flush()
    expect(summaries()).toHaveLength(1)
    expect(summaryText()).toBe('+1 条告警')
  })
})

describe('closeAll and dispose', () => {
  it('closeAll closes every popup this notifier opened, the summary included, and nothing else', async () => {
    const n = create()
    ElNotification({ title: 'someone else', duration: 0 }, dom.appContext)
    for (let i = 0; i < 20; i++) n.notify(alarm(i, 'critical'))
    n.notify({ type: '5-1', data: { status: 1 }, id: '' } as SseMessage)
    await flush()
    expect(popups()).toHaveLength(6)

    n.closeAll()
    await waitUntilGone('.sse-notify')
    expect(popups().map((el) => describePopup(el).title)).toEqual(['someone else'])

    // A new session starts with a fresh window.
    n.notify(alarm(100))
    await flush()
    expect(popups('.sse-notify--4')).toHaveLength(1)
  })

  it('closeAll in the same tick as the popups opened still removes them from the document', async () => {
    const n = create()
    for (let i = 0; i < 10; i++) n.notify(alarm(i, 'critical'))
    n.closeAll()
    await waitUntilGone()
  })

  it('dispose closes everything and ignores later messages', async () => {
    const n = create()
    n.notify(alarm(1, 'critical'))
    await flush()
    n.dispose()
    await waitUntilGone('.sse-notify')
    n.notify(alarm(2, 'critical'))
    await flush()
    expect(popups()).toHaveLength(0)
  })
})
