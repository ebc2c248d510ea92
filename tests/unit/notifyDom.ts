import ElementPlus, { ElNotification } from 'element-plus'
import { afterEach, beforeEach, vi } from 'vitest'
import type { App, AppContext } from 'vue'
import { createApp, nextTick } from 'vue'
import { notifiersLoaded } from '../../src/notify/lazyNotifier'
import { mountsSettled } from '../../src/notify/mountQueue'
import type { Notifier } from '../../src/notify/notifier'
import type { SseMessage } from '../../src/core/protocol'

/** A real Vue app with Element Plus, mounted in the document, whose context popups render in. */
export function mountApp(): { app: App; appContext: AppContext; unmount: () => void } {
  const root = document.createElement('div')
  document.body.appendChild(root)
  const app = createApp({ render: () => null })
  app.use(ElementPlus)
  app.mount(root)
  return {
    app,
    appContext: app._context,
    unmount: () => {
      app.unmount()
      root.remove()
    },
  }
}

/** Every notification element in the document (closing ones included until they leave). */
export function popups(selector = ''): HTMLElement[] {
  return [...document.body.querySelectorAll<HTMLElement>(`.el-notification${selector}`)]
}

/**
 * The notification elements a user sees: in the document and not leaving. A popup that started to
 * leave fades out where it is while Element Plus moves the others up at once, so it no longer adds to
 * the stack's height.
 */
export function onScreen(selector = ''): HTMLElement[] {
  return popups(`${selector}:not(.el-notification-fade-leave-active)`)
}

/** Clicks the close button of a popup, as a user does. */
export function clickClose(popup: HTMLElement): void {
  popup.querySelector<HTMLElement>('.el-notification__closeBtn')!.click()
}

/** What a user sees of one popup. */
export function describePopup(el: HTMLElement): { title: string; text: string; type: string | undefined } {
  const icon = el.querySelector('.el-notification__icon')
  const typeClass = [...(icon?.classList ?? [])].find((c) => c.startsWith('el-notification--'))
  return {
    title: el.querySelector('.el-notification__title')?.textContent ?? '',
    text: el.querySelector('.el-notification__content')?.textContent ?? '',
    type: typeClass?.slice('el-notification--'.length),
  }
}

/**
 * Lets the hub's notifier load, every queued popup mount (each in its own task), then lets Vue render
 * pending updates. Under fake timers the mount tasks are run by advancing the fake clock a millisecond
 * at a time.
 */
export async function flush(): Promise<void> {
  await notifiersLoaded()
  let settled = false
  const mounted = mountsSettled().then(() => {
    settled = true
  })
  for (let round = 0; !settled && vi.isFakeTimers() && round < 100; round++) await vi.advanceTimersByTimeAsync(1)
  await mounted
  await nextTick()
  await nextTick()
}

/** Resolves once no notification element is left in the document (after the leave transition). */
export async function waitUntilGone(selector = ''): Promise<void> {
  await vi.waitFor(
    () => {
      if (popups(selector).length > 0) throw new Error(`${popups(selector).length} notifications still in the document`)
    },
    { timeout: 3000, interval: 5 },
  )
}

/** Closes every popup (ours and others) and waits until they have left the document. */
export async function closeEverything(): Promise<void> {
  ElNotification.closeAll()
  await waitUntilGone()
}

/** What a notify test works with: the app its popups render in, and the notifiers to clean up. */
export interface NotifyDom {
  /** Context of the app mounted for the current test. */
  readonly appContext: AppContext
  /** Disposes `notifier` after the test; returns it. */
  track(notifier: Notifier): Notifier
}

/**
 * A fresh app before each test; after it, the test's notifiers are disposed, every popup is closed and
 * gone from the document, and the app is unmounted, so no popup leaks into the next test. A test that
 * left fake timers on gets them run on until the popups have left (their leave transitions are on the
 * fake clock), then real timers back.
 */
export function useNotifyDom(): NotifyDom {
  let mounted: ReturnType<typeof mountApp> | undefined
  let notifiers: Notifier[] = []
  beforeEach(() => {
    mounted = mountApp()
  })
  afterEach(async () => {
    for (const notifier of notifiers) notifier.dispose()
    notifiers = []
    if (vi.isFakeTimers()) {
      ElNotification.closeAll()
      await vi.advanceTimersByTimeAsync(5000)
      vi.useRealTimers()
    }
    await closeEverything()
    mounted?.unmount()
    mounted = undefined
  })
  return {
    get appContext() {
      if (!mounted) throw new Error('The app is only mounted inside tests')
      return mounted.appContext
    },
    track(notifier) {
      notifiers.push(notifier)
      return notifier
    },
  }
}

/** A parsed message of `type` carrying `data`, as the bus hands it to the notifier. */
export function msg(type: string, data: unknown): SseMessage {
  return { type, data, id: '' } as SseMessage
}
