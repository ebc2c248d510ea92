import { ElNotification } from 'element-plus'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { isVNode } from 'vue'
import { createNotifier } from '../../src/notify/notifier'
import type { Notifier, NotifyFunction } from '../../src/notify/notifier'
import type { NotifyOptions } from '../../src/options'
import type { SseMessage } from '../../src/core/protocol'
import { mulberry32 } from '../support/random'
import { clickClose, describePopup, flush, onScreen, popups, useNotifyDom, waitUntilGone } from './notifyDom'

// Storm control as a user sees it: what is on screen, and what the summary says about the rest.

const dom = useNotifyDom()
let clock = 0

beforeEach(() => {
  clock = 1_000_000
})

/** A notifier on the test's own clock, which only moves when the test moves it. */
function create(options?: NotifyOptions): Notifier {
  return dom.track(createNotifier(options, undefined, dom.appContext, undefined, undefined, () => clock))
}

/** A notifier on the (fake) timers' clock: popups close by their own timers as time passes. */
function createTimed(options?: NotifyOptions): Notifier {
  return dom.track(createNotifier(options, undefined, dom.appContext))
}

function alarm(i: number, level = 'warning'): SseMessage {
  return { type: '4', data: { alarmId: i, level, content: `alarm ${i}` }, id: String(i) } as SseMessage
}

const alarmPopups = (): HTMLElement[] => onScreen('.sse-notify--4')
const alarmsShown = (): string[] => alarmPopups().map((el) => describePopup(el).text.replace(/^.*内容: /, ''))
const summaries = (): HTMLElement[] => onScreen('.sse-notify--summary')
const summaryText = (): string => describePopup(summaries()[0]).text

describe('at most maxVisible popups on screen, plus one summary counting the rest', () => {
  it('200 alarms in one tick: maxVisible popups and one summary counting the rest, updated in place', async () => {
    const n = create()
    for (let i = 0; i < 200; i++) n.notify(alarm(i))
    await flush()

    expect(popups()).toHaveLength(5)
    expect(alarmsShown()).toEqual(['alarm 0', 'alarm 1', 'alarm 2', 'alarm 3'])
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

  it('a steady stream (an alarm every 500 ms for 20 s, popups lasting 4.5 s) never has more than 4 popups on screen', async () => {
    vi.useFakeTimers()
    const n = createTimed()
    let most = 0
    const counts = new Set<string>()
    for (let i = 0; i < 40; i++) {
      n.notify(alarm(i))
      for (let tick = 0; tick < 5; tick++) {
        await flush()
        most = Math.max(most, alarmPopups().length)
        expect(summaries().length).toBeLessThanOrEqual(1)
        if (summaries().length > 0) counts.add(summaryText())
        await vi.advanceTimersByTimeAsync(100)
      }
    }
    await flush()
    expect(most).toBe(4)
    // The rest was counted (the summary closes after its 4.5 s like any popup; the next one counts afresh).
    expect([...counts].some((text) => /^\+([3-9]|\d\d+) 条告警$/.test(text))).toBe(true)
    // Places free up as popups leave, and the newest alarm takes each: what is on screen at the end
    // arrived in the last 4.5 s.
    const shownAtEnd = alarmsShown().map((text) => Number(text.replace('alarm ', '')))
    expect(shownAtEnd.length).toBeGreaterThan(0)
    expect(Math.min(...shownAtEnd)).toBeGreaterThanOrEqual(31)
  })

  it('when a popup leaves, the newest alarm counted takes its place; older ones stay counted', async () => {
    const n = create({ maxVisible: 2 })
    for (let i = 0; i < 5; i++) n.notify(alarm(i))
    await flush()
    expect(alarmsShown()).toEqual(['alarm 0', 'alarm 1'])
    expect(summaryText()).toBe('+3 条告警')

    clock += 1000
    clickClose(alarmPopups()[0])
    await flush()
    await vi.waitFor(() => expect(alarmsShown()).toEqual(['alarm 1', 'alarm 4']), { timeout: 3000, interval: 5 })
    expect(summaryText()).toBe('+2 条告警')

    // Alarms 2 and 3 are older than the one shown: they stay counted, the place stays free.
    clickClose(alarmPopups()[0])
    await flush()
    await vi.waitFor(() => expect(alarmsShown()).toEqual(['alarm 4']), { timeout: 3000, interval: 5 })
    expect(summaryText()).toBe('+2 条告警')
  })

  it('an alarm counted longer than groupWindow ago is no longer news: it stays counted, the place stays free', async () => {
    const n = create({ maxVisible: 1, groupWindow: 1000 })
    n.notify(alarm(0))
    n.notify(alarm(1))
    await flush()
    clock += 1000
    clickClose(alarmPopups()[0])
    await waitUntilGone('.sse-notify--4')
    await flush()
    expect(alarmPopups()).toHaveLength(0)
    expect(summaryText()).toBe('+1 条告警')
  })

  it('the summary leaves when the last alarm it counted takes a place', async () => {
    const n = create({ maxVisible: 1 })
    n.notify(alarm(0))
    n.notify(alarm(1))
    await flush()
    expect(summaryText()).toBe('+1 条告警')
    clickClose(alarmPopups()[0])
    await vi.waitFor(() => expect(alarmsShown()).toEqual(['alarm 1']), { timeout: 3000, interval: 5 })
    await waitUntilGone('.sse-notify--summary')
  })

  it('honours maxVisible and the en locale; mixed types are counted as notifications', async () => {
    const n = create({ maxVisible: 2, locale: 'en' })
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
    await vi.waitFor(() => expect(popups('.sse-notify--summary')).toHaveLength(1), { timeout: 3000, interval: 5 })
    expect(describePopup(summaries()[0]).type).toBe('error')
    expect(summaryText()).toBe('+8 条告警')
  })

  it('a summary of warnings closes by itself; one that counted a critical alarm stays', async () => {
    vi.useFakeTimers()
    const n = createTimed()
    for (let i = 0; i < 10; i++) n.notify(alarm(i))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(popups()).toHaveLength(0)

    for (let i = 0; i < 10; i++) n.notify(alarm(i))
    n.notify(alarm(10, 'critical'))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(popups().map((el) => describePopup(el))).toEqual([{ title: '更多通知', type: 'error', text: '+7 条告警' }])
  })

  it('a sustained storm of critical alarms keeps at most maxVisible of them on screen; a place the user frees goes to the newest', async () => {
    const n = create()
    // One critical alarm every 100 ms for a minute.
    for (let i = 0; i < 600; i++) {
      n.notify(alarm(i, 'critical'))
      clock += 100
    }
    await flush()
    expect(alarmsShown()).toEqual(['alarm 0', 'alarm 1', 'alarm 2', 'alarm 3'])
    expect(summaries()).toHaveLength(1)
    expect(summaryText()).toBe('+596 条告警')

    clickClose(alarmPopups()[0])
    await vi.waitFor(() => expect(alarmsShown()).toEqual(['alarm 1', 'alarm 2', 'alarm 3', 'alarm 599']), { timeout: 3000, interval: 5 })
    expect(summaryText()).toBe('+595 条告警')
  })

  it('a summary closed by the user is replaced by a fresh one', async () => {
    const n = create()
    for (let i = 0; i < 10; i++) n.notify(alarm(i))
    await flush()
    clickClose(summaries()[0])
    await waitUntilGone('.sse-notify--summary')
    n.notify(alarm(10))
    await flush()
    expect(summaries()).toHaveLength(1)
    expect(summaryText()).toBe('+1 条告警')
  })
})

describe('any interleaving of bursts, quiet spells, critical alarms and user closes (seeded)', () => {
  /** The text of a popup body as rendered, from its VNode. */
  const textOf = (node: unknown): string =>
    typeof node === 'string' ? node : Array.isArray(node) ? node.map(textOf).join('') : isVNode(node) ? textOf(node.children) : ''

  it.each([1, 7, 42, 1234, 99991])('seed %i', async (seed) => {
    // Invariants, checked at every mount (the only moments the count on screen can rise) and after every step:
    // 1. never more than maxVisible message popups, nor more than one summary, on screen;
    // 2. popups appear in the order their messages arrived, each at most once: one passed over for a
    //    newer one never shows later (newest information first);
    // 3. right after a burst, every message of it that did not pop is counted in the summary on screen;
    // 4. a critical alarm that did not pop keeps an error summary on screen until the user closes it.
    vi.useFakeTimers()
    const random = mulberry32(seed)
    const maxVisible = 1 + Math.floor(random() * 4)
    const groupWindow = 500 + Math.floor(random() * 3000)
    const context = `seed ${seed} (maxVisible ${maxVisible}, groupWindow ${groupWindow})`
    const mounted: number[] = []
    const recording: NotifyFunction = (options, appContext) => {
      const summary = String(options.customClass).includes('summary')
      const shown = summary ? onScreen('.sse-notify--summary') : onScreen('.sse-notify--4')
      expect(shown.length, `${context}: a ${summary ? 'summary' : 'popup'} opened with ${shown.length} on screen`).toBeLessThan(summary ? 1 : maxVisible)
      if (!summary) mounted.push(Number(/alarm (\d+)/.exec(textOf(options.message))![1]))
      return ElNotification(options, appContext)
    }
    const n = dom.track(createNotifier({ maxVisible, groupWindow }, undefined, dom.appContext, recording))
    const critical = new Set<number>()
    const criticalsUnshown = new Set<number>()
    let sent = 0

    for (let step = 0; step < 120; step++) {
      const roll = random()
      if (roll < 0.35) {
        const first = sent
        const count = 1 + Math.floor(random() ** 2 * 30)
        for (let i = 0; i < count; i++) {
          if (random() < 0.1) critical.add(sent)
          n.notify(alarm(sent, critical.has(sent) ? 'critical' : 'warning'))
          sent++
        }
        await flush()
        const unshown = Array.from({ length: count }, (_, i) => first + i).filter((i) => !mounted.includes(i))
        if (unshown.length > 0) {
          expect(summaries(), `${context}, step ${step}: no summary for ${unshown.length} alarms`).toHaveLength(1)
          expect(Number(/\+(\d+)/.exec(summaryText())![1]), `${context}, step ${step}`).toBeGreaterThanOrEqual(unshown.length)
        }
        for (const i of unshown) if (critical.has(i)) criticalsUnshown.add(i)
      } else if (roll < 0.55) {
        const shown = onScreen('.sse-notify')
        if (shown.length > 0) {
          const target = shown[Math.floor(random() * shown.length)]
          if (target.classList.contains('sse-notify--summary')) criticalsUnshown.clear()
          clickClose(target)
        }
      } else {
        await vi.advanceTimersByTimeAsync(Math.floor(random() * 3000))
      }
      await flush()
      for (const i of mounted) criticalsUnshown.delete(i)
      expect(onScreen('.sse-notify--4').length, `${context}, step ${step}`).toBeLessThanOrEqual(maxVisible)
      expect(summaries().length, `${context}, step ${step}`).toBeLessThanOrEqual(1)
      expect(mounted, `${context}, step ${step}: popups out of order`).toEqual([...mounted].sort((a, b) => a - b))
      expect(new Set(mounted).size, `${context}, step ${step}: a popup shown twice`).toBe(mounted.length)
      if (criticalsUnshown.size > 0) {
        expect(summaries().map((el) => describePopup(el).type), `${context}, step ${step}: critical alarms ${[...criticalsUnshown].join(', ')} only in a closed summary`).toEqual(['error'])
      }
    }
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

    // A new session starts with an empty screen: nothing counted before comes back.
    n.notify(alarm(100))
    await flush()
    expect(alarmsShown()).toEqual(['alarm 100'])
    expect(summaries()).toHaveLength(0)
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
