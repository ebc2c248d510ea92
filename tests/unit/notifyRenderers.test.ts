import { afterEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createNotifier } from '../../src/notify/notifier'
import { createNotifyContext } from '../../src/notify/notifyContext'
import { notifyMessages } from '../../src/notify/locale'
import { defaultRenderers } from '../../src/notify/renderers'
import type { CalcOptions, NotifyOptions } from '../../src/options'
import { EventType } from '../../src/core/protocol'
import type { SseMessage } from '../../src/core/protocol'
import { describePopup, flush, msg, popups, useNotifyDom } from './notifyDom'

const dom = useNotifyDom()

/** Sends the messages through a fresh notifier and returns what the user sees. */
async function show(
  messages: SseMessage[],
  options?: NotifyOptions,
  calc?: CalcOptions,
): Promise<Array<ReturnType<typeof describePopup>>> {
  const notifier = dom.track(createNotifier(options, calc, dom.appContext))
  for (const message of messages) notifier.notify(message)
  await flush()
  return popups().map(describePopup)
}

describe('default popup per messageType (zh-CN)', () => {
  const calcEnds = [
    ['0-1', '稳态计算结束'],
    ['1-1', '沙箱稳态计算结束'],
    ['5-1', '瞬态计算结束'],
    ['6-1', '沙箱瞬态计算结束'],
  ] as const

  it.each(calcEnds)('%s success shows the name and the success label', async (type, title) => {
    const [popup] = await show([msg(type, { calcName: '管网A', status: 1, message: 'should not show' })])
    expect(popup.title).toBe(title)
    expect(popup.type).toBe('success')
    expect(popup.text).toContain('计算名称: 管网A')
    expect(popup.text).toContain('状态: 成功')
    expect(popup.text).not.toContain('should not show')
    expect(popups(`.sse-notify--${type}`)).toHaveLength(1)
  })

  it.each(calcEnds)('%s failure shows the error type, failure label and message', async (type, title) => {
    const [popup] = await show([msg(type, { calcName: '管网A', status: 0, message: '内存不足' })])
    expect(popup).toMatchObject({ title, type: 'error' })
    expect(popup.text).toContain('状态: 失败')
    expect(popup.text).toContain('信息: 内存不足')
  })

  it('treats "success" as success and an end without status as failure', async () => {
    const shown = await show([msg('5-1', { calcName: 'a', status: 'success' }), msg('5-1', { calcName: 'b' })])
    expect(shown.map((p) => p.type)).toEqual(['success', 'error'])
  })

  it('follows calc.successStatuses and calc.statusLabels', async () => {
    const shown = await show(
      [msg('0-1', { status: 'done' }), msg('0-1', { status: 1 }), msg('0-1', { status: 7 })],
      undefined,
      { successStatuses: ['done'], statusLabels: { done: '完成', '7': '超时' } },
    )
    expect(shown.map((p) => p.type)).toEqual(['success', 'error', 'error'])
    expect(shown[0].text).toContain('状态: 完成')
    expect(shown[2].text).toContain('状态: 超时')
  })

  it('a status sent as text ("1") is the same status as 1: a green popup labelled success', async () => {
    const shown = await show([msg('5-1', { calcName: 'D1', status: '1' }), msg('5-1', { calcName: 'D2', status: '0' })])
    expect(shown.map((p) => p.type)).toEqual(['success', 'error'])
    expect(shown[0].text).toContain('状态: 成功')
    expect(shown[1].text).toContain('状态: 失败')
  })

  it('trace end succeeds iff isTrace === 1, whatever its status', async () => {
    const shown = await show([
      msg('2-1', { calcName: 'T1', isTrace: 1, status: 0 }),
      msg('2-1', { calcName: 'T2', isTrace: 0, status: 1 }),
      msg('2-1', { calcName: 'T3', isTrace: 2, message: '上游无数据' }),
    ])
    expect(shown.map((p) => p.title)).toEqual(['溯源计算结束', '溯源计算结束', '溯源计算结束'])
    expect(shown.map((p) => p.type)).toEqual(['success', 'error', 'error'])
    expect(shown[0].text).toContain('状态: 成功')
    expect(shown[1].text).toContain('信息: 溯源状态码错误')
    expect(shown[2].text).toContain('信息: 上游无数据')
  })

  it.each([
    ['warning', 'warning', '警告'],
    ['info', 'info', '提示'],
    ['error', 'error', '错误'],
    ['critical', 'error', '严重'],
    ['something-else', 'warning', 'something-else'],
  ])('eventAlarm level %s is a %s popup', async (level, type, levelLabel) => {
    const [popup] = await show([msg('4', { level, title: '压力过低', content: '节点 J-12 压力 0.1MPa' })])
    expect(popup).toMatchObject({ title: '事件告警', type })
    expect(popup.text).toContain('标题: 压力过低')
    expect(popup.text).toContain(`级别: ${levelLabel}`)
    expect(popup.text).toContain('内容: 节点 J-12 压力 0.1MPa')
  })

  it('dataAnomaly is a warning, scada an info', async () => {
    const shown = await show([
      msg('7', { level: 'critical', content: '流量计读数跳变' }),
      msg('3', { message: '已拉取 120 个测点' }),
      msg('3', {}),
    ])
    expect(shown[0]).toMatchObject({ title: '数据异常', type: 'warning' })
    expect(shown[0].text).toContain('流量计读数跳变')
    expect(shown[1]).toMatchObject({ title: 'SCADA 数据拉取', type: 'info' })
    expect(shown[1].text).toContain('已拉取 120 个测点')
    expect(shown[2].text).toContain('SCADA 数据已拉取')
  })

  it('starts, progress, unknown types and odd payloads show nothing or stay safe', async () => {
    const shown = await show([
      ...['0-0', '1-0', '2-0', '5-0', '5-2', '6-0', '6-2'].map((type) => msg(type, { calcName: 'x', progress: 50 })),
      msg('pump-state', { running: true }),
      msg('constructor', {}),
      msg('__proto__', {}),
      msg('toString', {}),
    ])
    expect(shown).toEqual([])
  })

  it('an enormous server text is cut short, so one popup cannot fill the screen and push the next ones off it', async () => {
    const huge = '告警详情'.repeat(25_000)
    const [alarm, end] = await show([
      msg('4', { title: huge, level: 'critical', content: `${'x'.repeat(199)}😀tail`, time: huge }),
      msg('5-1', { calcName: huge, status: 0, message: huge }),
    ])
    expect(alarm.text.length).toBeLessThan(1000)
    expect(alarm.text).toContain(`标题: ${'告警详情'.repeat(50)}…`)
    // A character outside the BMP is never split in half.
    expect(alarm.text).toContain(`内容: ${'x'.repeat(199)}…`)
    expect(end.text.length).toBeLessThan(1000)
    expect(end.text).toContain('状态: 失败')
  })

  it('renders ends whose data is missing or not an object', async () => {
    const shown = await show([msg('5-1', null), msg('4', 'text'), msg('2-1', 42)])
    expect(shown.map((p) => p.type)).toEqual(['error', 'warning', 'error'])
  })
})

describe('alarm time: one format, whether the server sent a number or a string', () => {
  // 2024-06-10 06:30:05 UTC, and the same moment in the test machine's time zone.
  const moment = Date.UTC(2024, 5, 10, 6, 30, 5)
  const local = new Date(moment)
  const pad = (n: number): string => String(n).padStart(2, '0')
  const localText = `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())} ${pad(local.getHours())}:${pad(local.getMinutes())}:${pad(local.getSeconds())}`
  /** zh-CN: year/month/day and a 24-hour time, in the browser's time zone. */
  const shown = `${local.getFullYear()}/${local.getMonth() + 1}/${local.getDate()} ${pad(local.getHours())}:${pad(local.getMinutes())}:${pad(local.getSeconds())}`

  const timeShown = async (time: unknown, locale?: 'en'): Promise<string> => {
    // The popups of earlier calls in the same test are still up: this call's is the last one.
    const popup = (await show([msg('4', { title: 'T', time })], { locale, maxVisible: 20 })).at(-1)!
    return /(?:时间|Time): (.*)$/.exec(popup.text)?.[1] ?? '(no time row)'
  }

  it.each([
    ['epoch milliseconds', moment],
    ['epoch seconds', moment / 1000],
    ['epoch milliseconds as text', String(moment)],
    ['epoch seconds as text', String(moment / 1000)],
    ['ISO 8601 in UTC', '2024-06-10T06:30:05Z'],
    ['ISO 8601 with milliseconds and an offset', '2024-06-10T14:30:05.000+08:00'],
    ['local date and time with a space', localText],
    ['local date and time with a T', localText.replace(' ', 'T')],
  ])('%s', async (_, time) => {
    expect(await timeShown(time)).toBe(shown)
  })

  it('the en locale formats the same moment its own way, whatever form it came in', async () => {
    const en = await timeShown(moment, 'en')
    expect(en).toMatch(/^\d{1,2}\/\d{1,2}\/\d{2}, \d{1,2}:\d{2}:\d{2}\s[AP]M$/)
    expect(await timeShown('2024-06-10T06:30:05Z', 'en')).toBe(en)
    expect(await timeShown(moment / 1000, 'en')).toBe(en)
  })

  it('anything else is shown as sent (text), or not at all', async () => {
    expect(await timeShown('昨天 14:30')).toBe('昨天 14:30')
    expect(await timeShown('2024-13-45 99:99')).toBe('2024-13-45 99:99')
    expect(await timeShown('2024-06-10')).toBe('2024-06-10')
    expect(await timeShown(1e20)).toBe('100000000000000000000')
    expect(await timeShown({ at: moment })).toBe('(no time row)')
    expect(await timeShown('')).toBe('(no time row)')
  })
})

describe('sticky alarms', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('error and critical alarms stay; warnings close after the default duration', async () => {
    vi.useFakeTimers()
    const notifier = dom.track(createNotifier(undefined, undefined, dom.appContext))
    notifier.notify(msg('4', { level: 'warning', content: 'w' }))
    notifier.notify(msg('4', { level: 'error', content: 'e' }))
    notifier.notify(msg('4', { level: 'critical', content: 'c' }))
    notifier.notify(msg('5-1', { status: 1 }))
    await flush()
    expect(popups()).toHaveLength(4)
    await vi.advanceTimersByTimeAsync(60_000)
    await flush()
    expect(popups().map((el) => describePopup(el).text)).toEqual([
      expect.stringContaining('内容: e'),
      expect.stringContaining('内容: c'),
    ])
    expect(popups().map((el) => describePopup(el).type)).toEqual(['error', 'error'])
  })
})

describe('en locale', () => {
  it('uses English titles and labels', async () => {
    const shown = await show(
      [
        msg('5-1', { calcName: 'Net A', status: 0, message: 'out of memory' }),
        msg('0-1', { calcName: 'Net B', status: 1 }),
        msg('1-1', { status: 1 }),
        msg('6-1', { status: 1 }),
        msg('2-1', { isTrace: 0 }),
        msg('4', { level: 'critical', content: 'pressure low' }),
        msg('7', { content: 'jump' }),
        msg('3', {}),
      ],
      { locale: 'en', maxVisible: 20 },
    )
    expect(shown.map((p) => p.title)).toEqual([
      'Transient calculation finished',
      'Steady-state calculation finished',
      'Sandbox steady-state calculation finished',
      'Sandbox transient calculation finished',
      'Trace calculation finished',
      'Event alarm',
      'Data anomaly',
      'SCADA data pull',
    ])
    expect(shown[0].text).toContain('Name: Net A')
    expect(shown[0].text).toContain('Status: Failed')
    expect(shown[0].text).toContain('Message: out of memory')
    expect(shown[1].text).toContain('Status: Succeeded')
    expect(shown[4].text).toContain('Trace status code error')
    expect(shown[5].text).toContain('Level: Critical')
    expect(shown[7].text).toContain('SCADA data pulled')
  })
})

describe('custom renderers', () => {
  it('an overridden renderer wins and gets the labels', async () => {
    const shown = await show([msg('5-1', { calcName: 'A', status: 1 }), msg('0-1', { calcName: 'B', status: 1 })], {
      renderers: {
        '5-1': (message, context) => ({
          title: `Custom ${context.locale}`,
          type: 'info',
          message: h('em', `${(message.data as { calcName: string }).calcName} ${context.statusLabel(1)}`),
        }),
      },
    })
    expect(shown[0]).toEqual({ title: 'Custom zh-CN', type: 'info', text: 'A 成功' })
    expect(shown[1].title).toBe('稳态计算结束')
  })

  it('false disables a type, others keep their popup', async () => {
    const shown = await show([msg('4', { level: 'critical' }), msg('7', {})], { renderers: { '4': false } })
    expect(shown.map((p) => p.title)).toEqual(['数据异常'])
  })

  it('a renderer may add popups for progress or app-defined types, and return null to skip', async () => {
    const shown = await show([msg('5-2', { progress: 40 }), msg('5-2', { progress: 100 }), msg('pump-state', {})], {
      renderers: {
        '5-2': (m) => ((m.data as { progress: number }).progress === 100 ? { title: 'done' } : null),
        'pump-state': () => ({ title: 'pump', message: 'on' }),
      },
    })
    expect(shown.map((p) => p.title)).toEqual(['done', 'pump'])
  })

  it('a throwing renderer produces no popup, reports the error and does not stop the next one', async () => {
    const errors: unknown[] = []
    const notifier = createNotifier(
      {
        renderers: {
          '4': () => {
            throw new Error('boom')
          },
        },
      },
      undefined,
      dom.appContext,
      undefined,
      (error) => errors.push(error),
    )
    dom.track(notifier)
    expect(() => notifier!.notify(msg('4', {}))).not.toThrow()
    notifier.notify(msg('7', {}))
    await flush()
    expect(popups().map((el) => describePopup(el).title)).toEqual(['数据异常'])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ name: 'SseError', kind: 'handler', messageType: '4' })
    expect((errors[0] as Error & { cause: Error }).cause.message).toBe('boom')
  })

  it('never calls the popup function for messages without a popup', async () => {
    let calls = 0
    const notifier = createNotifier(undefined, undefined, null, () => {
      calls++
      return { close: () => undefined }
    })
    dom.track(notifier)
    for (let i = 0; i < 10_000; i++) notifier.notify(msg(i % 2 ? '5-2' : '6-2', { progress: i % 100 }))
    await flush()
    expect(calls).toBe(0)
    notifier.notify(msg('5-1', { status: 1 }))
    await flush()
    expect(calls).toBe(1)
  })
})

describe('renderer resolution and context', () => {
  it('resolves custom, disabled, default and missing renderers', async () => {
    const titles: unknown[] = []
    const options: NotifyOptions = { renderers: { '4': () => ({ title: 'custom' }), '7': false }, maxVisible: 20 }
    const notifier = createNotifier(options, undefined, null, (popup) => {
      titles.push(popup.title)
      return { close: () => undefined }
    })
    dom.track(notifier)
    for (const type of ['4', '7', '5-1', '5-2', 'constructor']) notifier.notify(msg(type, {}))
    await flush()
    expect(titles).toEqual(['custom', '瞬态计算结束'])
    expect(Object.keys(defaultRenderers).sort()).toEqual(['0-1', '1-1', '2-1', '3', '4', '5-1', '6-1', '7'])
  })

  it('notifyMessages has a title for every messageType of the protocol, in both languages, for custom renderers', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      expect(Object.keys(notifyMessages[locale].titles).sort()).toEqual(Object.values(EventType).sort())
    }
    expect(notifyMessages.en.titles['5-2']).toBe('Transient calculation progress')
    expect(notifyMessages['zh-CN'].titles['0-0']).toBe('稳态计算开始')
  })

  it('labels statuses by explicit label first, then by the success rule', () => {
    const context = createNotifyContext('en', { successStatuses: [2], statusLabels: { '3': 'Cancelled' } })
    expect(context.isSuccess(2)).toBe(true)
    expect(context.isSuccess(1)).toBe(false)
    expect(context.statusLabel(3)).toBe('Cancelled')
    expect(context.statusLabel(2)).toBe('Succeeded')
    expect(context.statusLabel(undefined)).toBe('Failed')
  })
})
