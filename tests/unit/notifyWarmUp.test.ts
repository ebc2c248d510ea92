import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLazyNotifier } from '../../src/notify/lazyNotifier'
import { createNotifier } from '../../src/notify/notifier'
import type { PopupNotifier } from '../../src/notify/notifier'
import type { NotifyOptions } from '../../src/options'
import type { SseMessage } from '../../src/core/protocol'
import { describePopup, flush, msg, onScreen, popups, useNotifyDom } from './notifyDom'

// When the popups load (at login) they ready themselves in idle time: the first alarm must find its
// time formatter made, and the rehearsal mount behind it must never be seen, heard nor counted.

const dom = useNotifyDom()

const RealDateTimeFormat = Intl.DateTimeFormat
/** Locales of the `Intl.DateTimeFormat` objects made during the test. */
let formatsMade: string[] = []
/** Every notification element created during the test, in the document or not. */
let notificationsMade: HTMLElement[] = []
/** Elements added to the document during the test. */
let addedToDocument: Element[] = []
let observer: MutationObserver | undefined

beforeEach(() => {
  formatsMade = []
  notificationsMade = []
  addedToDocument = []
  // A subclass: the popups still format with a real formatter.
  Intl.DateTimeFormat = class extends RealDateTimeFormat {
    constructor(...args: ConstructorParameters<typeof RealDateTimeFormat>) {
      super(...args)
      formatsMade.push(String(args[0]))
    }
  } as typeof Intl.DateTimeFormat
  // Vue creates each element through the document, attached or not; its class is set right after.
  const createElement = document.createElement.bind(document)
  vi.spyOn(document, 'createElement').mockImplementation((tag: string, options?: ElementCreationOptions) => {
    const element = createElement(tag, options)
    queueMicrotask(() => {
      if (element.classList.contains('el-notification')) notificationsMade.push(element)
    })
    return element
  })
  observer = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) addedToDocument.push(node)
  })
  observer.observe(document.body, { childList: true, subtree: true })
})

afterEach(() => {
  observer?.disconnect()
  vi.restoreAllMocks()
  Intl.DateTimeFormat = RealDateTimeFormat
})

function create(options?: NotifyOptions): PopupNotifier {
  const notifier = createNotifier(options, undefined, dom.appContext)
  dom.track(notifier)
  return notifier
}

function alarm(i: number, time?: string): SseMessage {
  return msg('4', { alarmId: i, level: 'warning', content: `alarm ${i}`, time })
}

/** Runs the warm-up's idle tasks (timers here: happy-dom has no requestIdleCallback). */
async function idleTasksRun(): Promise<void> {
  for (let i = 0; i < 3; i++) await vi.advanceTimersByTimeAsync(1)
}

/** Notification elements that were never in the document: the warm-up's rehearsal mounts. */
const unseenMounts = (): HTMLElement[] => notificationsMade.filter((el) => !addedToDocument.includes(el))

describe('the warm-up when the popups load', () => {
  // First in this file: formatters are made once per page and locale, so no earlier test made this one.
  it('makes the time formatter in an idle task before any alarm; the first alarm makes none', async () => {
    vi.useFakeTimers()
    const notifier = create({ locale: 'en' })
    notifier.warmUp()
    expect(formatsMade).toEqual([])
    await idleTasksRun()
    expect(formatsMade).toEqual(['en'])

    notifier.notify(alarm(1, '2024-06-10T14:30:00'))
    expect(formatsMade).toEqual(['en'])
    await flush()
    const shown = new RealDateTimeFormat('en', { dateStyle: 'short', timeStyle: 'medium' }).format(new Date('2024-06-10T14:30:00'))
    expect(describePopup(onScreen()[0]).text).toContain(`Time: ${shown}`)
  })

  it('rehearses one mount that never enters the document: no popup, no alert, nothing added', async () => {
    vi.useFakeTimers()
    create().warmUp()
    await idleTasksRun()
    await flush()
    expect(unseenMounts()).toHaveLength(1)
    expect(addedToDocument).toEqual([])
    expect(popups()).toEqual([])
    expect(document.querySelectorAll('[role="alert"]')).toHaveLength(0)
  })

  it('leaves storm control and the stack as they were: 10 alarms show 4 popups and "+6", stacked from the top', async () => {
    vi.useFakeTimers()
    const notifier = create({ locale: 'en' })
    notifier.warmUp()
    await idleTasksRun()
    for (let i = 0; i < 10; i++) notifier.notify(alarm(i))
    await flush()
    expect(onScreen('.sse-notify--4').map((el) => describePopup(el).text)).toEqual([0, 1, 2, 3].map((i) => expect.stringContaining(`alarm ${i}`)))
    expect(describePopup(onScreen('.sse-notify--summary')[0]).text).toContain('+6')
    // Element Plus stacks each popup below those in its list: a rehearsal left in it would push them down.
    expect(onScreen().map((el) => el.style.top)).toEqual(['16px', '32px', '48px', '64px', '80px'])
  })

  it('does not rehearse once popups have started: the first of them is the first mount', async () => {
    vi.useFakeTimers()
    const notifier = create()
    notifier.notify(alarm(1))
    notifier.warmUp()
    await idleTasksRun()
    await flush()
    expect(unseenMounts()).toEqual([])
    expect(onScreen()).toHaveLength(1)
  })

  it('waits for the browser to be idle, with no deadline that would run it while the page is busy', async () => {
    const waiting = new Map<number, IdleRequestCallback>()
    const timeouts: Array<number | undefined> = []
    let handles = 0
    vi.stubGlobal('requestIdleCallback', (callback: IdleRequestCallback, options?: IdleRequestOptions) => {
      timeouts.push(options?.timeout)
      waiting.set(++handles, callback)
      return handles
    })
    vi.stubGlobal('cancelIdleCallback', (handle: number) => waiting.delete(handle))
    const idle = (): void => {
      const [handle, callback] = [...waiting][0]
      waiting.delete(handle)
      callback({ didTimeout: false, timeRemaining: () => 50 })
    }
    try {
      const notifier = create()
      notifier.warmUp()
      await flush()
      expect(unseenMounts()).toEqual([])
      idle()
      idle()
      await flush()
      expect(unseenMounts()).toHaveLength(1)
      expect(timeouts).toEqual([undefined, undefined])

      const loggedOut = create()
      loggedOut.warmUp()
      loggedOut.closeAll()
      expect(waiting.size).toBe(0)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('is cancelled by a logout (closeAll) or dispose before its idle tasks run', async () => {
    vi.useFakeTimers()
    const loggedOut = create()
    loggedOut.warmUp()
    loggedOut.closeAll()
    const disposed = create()
    disposed.warmUp()
    disposed.dispose()
    disposed.warmUp()
    await idleTasksRun()
    await flush()
    expect(unseenMounts()).toEqual([])
  })
})

describe('the popups loaded at login', () => {
  it('warm up with no message: the rehearsal mount runs, unseen', async () => {
    vi.useFakeTimers()
    dom.track(createLazyNotifier(undefined, undefined, dom.appContext, () => {}))
    await flush()
    await idleTasksRun()
    await flush()
    expect(unseenMounts()).toHaveLength(1)
    expect(popups()).toEqual([])
  })

  it('skip the warm-up after a logout while they loaded', async () => {
    vi.useFakeTimers()
    const notifier = dom.track(createLazyNotifier(undefined, undefined, dom.appContext, () => {}))
    notifier.closeAll()
    await flush()
    await idleTasksRun()
    await flush()
    expect(unseenMounts()).toEqual([])
  })
})
