import type { NotificationHandle, NotificationOptions } from 'element-plus'
import { ElNotification } from 'element-plus'
import type { AppContext, ShallowRef, VNode } from 'vue'
import { h, nextTick, shallowRef } from 'vue'
import { SseError } from '../core/errors'
import type { CalcOptions, NotifyContext, NotifyOptions, NotifyRenderer } from '../options'
import { defaultCalcOptions, isSuccessStatus } from '../options'
import { isAlarmType } from '../protocol'
import type { SseMessage } from '../protocol'
import type { NotifyLocale } from './locale'
import { getNotifyMessages } from './locale'
import { queueMount } from './mountQueue'
import { defaultRenderers } from './renderers'
import { checkPopupStyle } from './styleCheck'

/** The popup function the notifier drives; `ElNotification` by default. */
export type NotifyFunction = (
  options: Partial<NotificationOptions>,
  appContext?: AppContext | null,
) => NotificationHandle

/** Shows the popup of each message, with storm control. */
export interface Notifier {
  /**
   * Decides at once whether one decoded message gets a popup (or is counted in the summary) and
   * queues the popup's mount for a later task. Never throws.
   */
  notify: (message: SseMessage) => void
  /**
   * Closes every popup this notifier opened, the summary included (on logout), and drops those still
   * waiting to be mounted. Open popups close on the next tick; the next message already starts a
   * fresh storm window.
   */
  closeAll: () => void
  /** Closes everything and ignores later messages. */
  dispose: () => void
}

/** The labels and success rule renderers see, for one language (zh-CN unless `'en'`) and calc configuration. */
export function createNotifyContext(locale?: NotifyLocale, calc?: CalcOptions): NotifyContext {
  const messages = getNotifyMessages(locale)
  const successStatuses = calc?.successStatuses ?? defaultCalcOptions.successStatuses
  const labels: Record<string, string> = { ...messages.statusLabels, ...calc?.statusLabels }
  const isSuccess = (status: number | string | undefined): boolean => isSuccessStatus(status, successStatuses)
  return {
    locale: locale === 'en' ? 'en' : 'zh-CN',
    isSuccess,
    statusLabel: (status) => {
      const key = String(status)
      if (status !== undefined && Object.hasOwn(labels, key)) return labels[key]
      return isSuccess(status) ? messages.status.success : messages.status.failure
    },
  }
}

// Higher wins when a storm mixes types: the summary shows the most severe one (other types: 0).
const severity = new Map<string | undefined, number>([
  ['error', 4],
  ['warning', 3],
  ['info', 2],
  ['primary', 1],
  ['success', 1],
])
const severityOf = (type: string | undefined): number => severity.get(type) ?? 0

/** One popup of this notifier: queued until its mount task runs, then open until it closes. */
interface Popup {
  /** Cancels the mount while it is queued; closes the popup once mounted. */
  close: () => void
}

interface Summary {
  popup: Popup
  count: ShallowRef<number>
  alarmsOnly: ShallowRef<boolean>
  type: NotificationOptions['type']
  sticky: boolean
}

/**
 * Creates the notifier the plugin feeds every decoded message to. Renderers come from
 * `options.renderers` over the built-in ones; within `groupWindow` ms at most `maxVisible` popups
 * open, the rest are counted in one summary popup updated in place.
 *
 * Which messages get a popup and what the summary counts is decided while the message is handled;
 * each popup is mounted in a later task of its own, in message order, so handling a burst never
 * includes a component mount. `closeAll` and `dispose` drop the popups still waiting.
 *
 * @param appContext passed to every popup, so VNode content can use the app's components
 * @param notifyFn the popup function (`ElNotification`; replaceable for tests or other UIs)
 * @param onError receives the error of a renderer (or popup call) that threw, as kind `handler`;
 *   that message gets no popup and the stream goes on
 * @param now clock of the storm-control window, in ms
 */
export function createNotifier(
  options: NotifyOptions | undefined,
  calc: CalcOptions | undefined,
  appContext?: AppContext | null,
  notifyFn: NotifyFunction = ElNotification,
  onError?: (error: SseError) => void,
  now: () => number = Date.now,
): Notifier {
  const maxVisible = options?.maxVisible ?? 4
  const groupWindow = options?.groupWindow ?? 2000
  const offset = options?.offset
  const context = createNotifyContext(options?.locale, calc)
  const messages = getNotifyMessages(context.locale)

  // Resolved once, so a message without a popup costs one Map lookup. A custom renderer replaces the
  // built-in one of its type; `false` (anything but a function) leaves the type without a popup.
  const renderers = new Map(
    Object.entries({ ...defaultRenderers, ...options?.renderers }).filter(
      (entry): entry is [string, NotifyRenderer] => typeof entry[1] === 'function',
    ),
  )

  // Popups queued or open; the set closeAll empties.
  const live = new Set<Popup>()
  // Sticky popups queued or open: they only leave when the user closes them, so a storm that goes on
  // for several windows would stack them without end. Once `maxVisible` are up, more are folded.
  const stuck = new Set<Popup>()
  let windowStart = Number.NEGATIVE_INFINITY
  let shownInWindow = 0
  let summary: Summary | null = null
  let disposed = false

  function report(messageType: string, cause: unknown): void {
    onError?.(
      new SseError('handler', `Notification for messageType "${messageType}" failed`, { messageType, cause }),
    )
  }

  /**
   * Queues the popup's mount. `onClosed` runs once it has closed, or when its mount failed (it never
   * runs for a popup cancelled before its mount).
   */
  function open(messageType: string, popupOptions: Partial<NotificationOptions>, onClosed?: () => void): Popup {
    const userOnClose = popupOptions.onClose
    const popup: Popup = {
      close: queueMount(() => {
        try {
          const handle = notifyFn(
            {
              ...(offset === undefined ? undefined : { offset }),
              ...popupOptions,
              // Server text is never HTML, whatever a custom renderer asks for.
              dangerouslyUseHTMLString: false,
              onClose: (vm: VNode) => {
                live.delete(popup)
                onClosed?.()
                userOnClose?.(vm)
              },
            },
            appContext,
          )
          // Closes after Vue has rendered pending updates. A popup closed in the tick it opened in
          // never runs its leave transition (its visibility flips back before any render), so Element
          // Plus would keep a hidden element and never call `onClose`.
          popup.close = () => void nextTick(() => handle.close())
          if (__DEV__) checkPopupStyle()
        } catch (cause) {
          live.delete(popup)
          onClosed?.()
          report(messageType, cause)
        }
      }),
    }
    live.add(popup)
    return popup
  }

  function close(popup: Popup): void {
    live.delete(popup)
    popup.close()
  }

  function openSummary(
    messageType: string,
    count: ShallowRef<number>,
    alarmsOnly: ShallowRef<boolean>,
    type: Summary['type'],
    sticky: boolean,
  ): Summary {
    const popupOptions: Partial<NotificationOptions> = {
      title: messages.summaryTitle,
      type,
      customClass: 'sse-notify sse-notify--summary',
      // A render function reading the refs: the count updates in place, and a summary mounted after
      // more messages were folded shows the count of that moment.
      message: () => h('p', { class: 'sse-notify__summary' }, messages.summary(count.value, alarmsOnly.value)),
    }
    if (sticky) popupOptions.duration = 0
    const entry: Summary = {
      popup: open(messageType, popupOptions, () => {
        if (summary === entry) summary = null
      }),
      count,
      alarmsOnly,
      type,
      sticky,
    }
    return entry
  }

  function fold(messageType: string, popupOptions: Partial<NotificationOptions>, sticky: boolean): void {
    const isAlarm = isAlarmType(messageType)
    if (summary === null) {
      summary = openSummary(messageType, shallowRef(1), shallowRef(isAlarm), popupOptions.type, sticky)
      return
    }
    summary.count.value++
    if (!isAlarm) summary.alarmsOnly.value = false
    // A folded error or sticky alarm must not vanish with a milder summary: reopen it stronger
    // (a milder summary still waiting for its mount is simply never shown).
    const upgrade = severityOf(popupOptions.type) > severityOf(summary.type)
    if (upgrade || (sticky && !summary.sticky)) {
      close(summary.popup)
      summary = openSummary(
        messageType,
        summary.count,
        summary.alarmsOnly,
        upgrade ? popupOptions.type : summary.type,
        summary.sticky || sticky,
      )
    }
  }

  function notify(message: SseMessage): void {
    if (disposed) return
    const renderer = renderers.get(message.type)
    if (renderer === undefined) return
    try {
      const popup = renderer(message, context)
      if (!popup) return
      const time = now()
      if (time - windowStart >= groupWindow) {
        windowStart = time
        shownInWindow = 0
      }
      const sticky = popup.duration !== undefined && popup.duration <= 0
      if (shownInWindow < maxVisible && !(sticky && stuck.size >= maxVisible)) {
        shownInWindow++
        const opened = open(message.type, popup, sticky ? () => stuck.delete(opened) : undefined)
        if (sticky) stuck.add(opened)
      } else {
        fold(message.type, popup, sticky)
      }
    } catch (cause) {
      report(message.type, cause)
    }
  }

  function closeAll(): void {
    // A Set's iteration goes on past the entry `close` deletes.
    for (const popup of live) close(popup)
    stuck.clear()
    summary = null
    windowStart = Number.NEGATIVE_INFINITY
    shownInWindow = 0
  }

  function dispose(): void {
    disposed = true
    closeAll()
  }

  return { notify, closeAll, dispose }
}
