import type { NotificationHandle } from 'element-plus'
import { ElNotification } from 'element-plus'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { yieldTask } from '../../src/core/transports/yieldTask'
import type { NotifyFunction } from '../../src/notify/notifier'
import { createNotifier } from '../../src/notify/notifier'
import type { SseError } from '../../src/core/errors'
import type { NotifyOptions } from '../../src/options'
import type { SseMessage } from '../../src/core/protocol'
import { describePopup, flush, msg, popups, useNotifyDom } from './notifyDom'

const dom = useNotifyDom()
let clock = 0
let mounts: string[] = []

beforeEach(() => {
  clock = 1_000_000
  mounts = []
})

/** `ElNotification` that also records the title of every popup it mounts. */
const recordingNotify: NotifyFunction = (options, appContext) => {
  mounts.push(String(options.title))
  return ElNotification(options, appContext)
}

function create(options?: NotifyOptions, onError?: (error: SseError) => void, notifyFn = recordingNotify) {
  return dom.track(createNotifier(options, undefined, dom.appContext, notifyFn, onError, () => clock))
}

function alarm(i: number, level = 'warning'): SseMessage {
  return msg('4', { alarmId: i, level, title: `A${i}`, content: `alarm ${i}` })
}

const summaries = (): HTMLElement[] => popups('.sse-notify--summary')

describe('popups mount after the message is handled', () => {
  it('notify mounts nothing itself; popups then appear one per task, in message order', async () => {
    const n = create({ maxVisible: 20, locale: 'en' })
    n.notify(msg('5-1', { calcName: 'first', status: 1 }))
    n.notify(alarm(1))
    n.notify(msg('7', { title: 'third', content: 'jump' }))
    expect(mounts).toEqual([])
    expect(popups()).toHaveLength(0)

    await yieldTask()
    expect(mounts).toHaveLength(1)
    await yieldTask()
    expect(mounts).toHaveLength(2)
    await flush()
    expect(mounts).toEqual(['Transient calculation finished', 'Event alarm', 'Data anomaly'])
    expect(popups().map((el) => describePopup(el).text)).toEqual([
      expect.stringContaining('Name: first'),
      expect.stringContaining('alarm 1'),
      expect.stringContaining('jump'),
    ])
  })

  it('a burst of 10,000 mixed messages in one tick shows exactly maxVisible popups and one exact summary', async () => {
    const n = create()
    let withPopup = 0
    const burst: SseMessage[] = []
    for (let i = 0; i < 10_000; i++) {
      const roll = i % 20
      if (roll === 0) {
        burst.push(alarm(i))
        withPopup++
      } else if (roll < 4) {
        burst.push(msg('5-1', { calcName: `calc ${i}`, status: 1 }))
        withPopup++
      } else if (roll < 6) {
        burst.push(msg('5-0', { calcName: `calc ${i}` }))
      } else {
        burst.push(msg('5-2', { calcName: `calc ${i}`, progress: i % 100 }))
      }
    }
    for (const message of burst) n.notify(message)
    await flush()

    expect(popups()).toHaveLength(5)
    expect(mounts).toHaveLength(5)
    expect(popups().slice(0, 4).map((el) => describePopup(el).title)).toEqual([
      '事件告警',
      '瞬态计算结束',
      '瞬态计算结束',
      '瞬态计算结束',
    ])
    expect(describePopup(popups()[4]).title).toBe('更多通知')
    expect(describePopup(summaries()[0]).text).toBe(`+${withPopup - 4} 条通知`)
  })

  it('messages folded while the summary waits for its mount are counted in it', async () => {
    const n = create()
    for (let i = 0; i < 5; i++) n.notify(alarm(i))
    // Four popups mount, one per task; the summary is still waiting.
    for (let i = 0; i < 4; i++) await yieldTask()
    expect(summaries()).toHaveLength(0)
    for (let i = 5; i < 30; i++) n.notify(alarm(i))
    await flush()
    expect(summaries()).toHaveLength(1)
    expect(describePopup(summaries()[0]).text).toBe('+26 条告警')
  })

  it('a summary upgraded before its mount is shown once, as the stronger one', async () => {
    const n = create()
    for (let i = 0; i < 10; i++) n.notify(alarm(i))
    n.notify(alarm(10, 'critical'))
    await flush()
    expect(mounts.filter((title) => title === '更多通知')).toHaveLength(1)
    expect(summaries().map(describePopup)).toEqual([{ title: '更多通知', type: 'error', text: '+7 条告警' }])
  })

  it('a popup call that throws in its task is reported; the popups after it still show', async () => {
    const errors: SseError[] = []
    let calls = 0
    const failingFirst: NotifyFunction = (options, appContext): NotificationHandle => {
      if (calls++ === 0) throw new Error('mount failed')
      return recordingNotify(options, appContext)
    }
    const n = create(undefined, (error) => errors.push(error), failingFirst)
    n.notify(alarm(1))
    n.notify(msg('7', { content: 'jump' }))
    await flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ name: 'SseError', kind: 'handler', messageType: '4' })
    expect((errors[0] as SseError & { cause: Error }).cause.message).toBe('mount failed')
    expect(popups().map((el) => describePopup(el).title)).toEqual(['数据异常'])
  })
})

describe('closeAll and dispose drop popups still waiting', () => {
  it('closeAll in the same tick as the messages: no popup is ever mounted', async () => {
    const n = create()
    for (let i = 0; i < 20; i++) n.notify(alarm(i, 'critical'))
    n.closeAll()
    await flush()
    for (let i = 0; i < 10; i++) await yieldTask()
    expect(mounts).toEqual([])
    expect(popups()).toHaveLength(0)

    // The next session still gets its popups.
    n.notify(alarm(100))
    await flush()
    expect(popups('.sse-notify--4').map((el) => describePopup(el).text)).toEqual([expect.stringContaining('alarm 100')])
  })

  it('logout with some popups shown and more queued: the shown ones close, the queued never appear', async () => {
    const n = create()
    n.notify(alarm(1, 'critical'))
    await flush()
    expect(popups()).toHaveLength(1)
    for (let i = 2; i < 12; i++) n.notify(alarm(i, 'critical'))
    await yieldTask()
    expect(mounts).toHaveLength(2)

    n.dispose()
    await flush()
    for (let i = 0; i < 10; i++) await yieldTask()
    await flush()
    expect(mounts).toHaveLength(2)
    await vi.waitFor(() => expect(popups()).toHaveLength(0), { timeout: 3000, interval: 5 })
    n.notify(alarm(20, 'critical'))
    await flush()
    expect(mounts).toHaveLength(2)
    expect(popups()).toHaveLength(0)
  })

  it("closing one notifier leaves another notifier's queued popups alone", async () => {
    const leaving = create()
    const staying = create({ locale: 'en' })
    leaving.notify(alarm(1))
    staying.notify(alarm(2))
    leaving.notify(alarm(3))
    leaving.closeAll()
    await flush()
    expect(popups().map((el) => describePopup(el))).toEqual([
      expect.objectContaining({ title: 'Event alarm', text: expect.stringContaining('alarm 2') }),
    ])
  })
})

describe('offset', () => {
  it('places every popup, the storm summary included, at the configured distance from the top', async () => {
    const offsets: unknown[] = []
    const notifyFn: NotifyFunction = (options, appContext) => {
      offsets.push(options.offset)
      return ElNotification(options, appContext)
    }
    const n = create({ maxVisible: 2, offset: 72 }, undefined, notifyFn)
    for (let i = 0; i < 5; i++) n.notify(alarm(i))
    await flush()
    expect(summaries()).toHaveLength(1)
    expect(offsets).toEqual([72, 72, 72])
  })
})
