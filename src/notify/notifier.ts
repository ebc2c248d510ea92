import type { NotificationHandle, NotificationOptions } from 'element-plus'
import { ElNotification } from 'element-plus'
import type { AppContext, ShallowRef, VNode } from 'vue'
import { h, nextTick, shallowRef } from 'vue'
import { SseError } from '../core/errors'
import type { CalcOptions, NotifyContext, NotifyOptions, NotifyRenderer } from '../options'
import { defaultCalcOptions } from '../options'
import type { SseMessage } from '../protocol'
import type { NotifyLocale } from './locale'
import { getNotifyMessages } from './locale'
import { defaultRenderers, resolveRenderer } from './renderers'

/** The popup function the notifier drives; `ElNotification` by default. */
export type NotifyFunction = (
  options: Partial<NotificationOptions>,
  appContext?: AppContext | null,
) => NotificationHandle

/** Shows the popup of each message, with storm control. */
export interface Notifier {
  /** Shows the popup of one decoded message, if its type has one. Never throws. */
  notify: (message: SseMessage) => void
  /**
   * Closes every popup this notifier opened, the summary included (on logout). The popups close
   * on the next tick; the next message already starts a fresh storm window.
   */
  closeAll: () => void
  /** Closes everything and ignores later messages. */
  dispose: () => void
}

/** The labels and success rule renderers see, for one language and calc configuration. */
export function createNotifyContext(locale: NotifyLocale = 'zh-CN', calc?: CalcOptions): NotifyContext {
  const messages = getNotifyMessages(locale)
  const successStatuses = calc?.successStatuses ?? defaultCalcOptions.successStatuses
  const labels: Record<string, string> = { ...messages.statusLabels, ...calc?.statusLabels }
  const isSuccess = (status: number | string | undefined): boolean =>
    status !== undefined && successStatuses.includes(status)
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

// Higher wins when a storm mixes types: the summary shows the most severe one.
const severity: Readonly<Record<string, number>> = { error: 4, warning: 3, info: 2, primary: 1, success: 1 }
const severityOf = (type: string | undefined): number =>
  type !== undefined && Object.hasOwn(severity, type) ? severity[type] : 0

// Types whose popups are alarms, for the summary's wording.
const alarmTypes: ReadonlySet<string> = new Set(['4', '7'])

/**
 * Closes after Vue has rendered pending updates. A popup closed in the tick it opened in never runs
 * its leave transition (its visibility flips back before any render), so Element Plus would keep a
 * hidden element and never call `onClose`.
 */
function closeSoon(handle: NotificationHandle): void {
  void nextTick(() => handle.close())
}

interface Summary {
  handle: NotificationHandle
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
  const context = createNotifyContext(options?.locale, calc)
  const messages = getNotifyMessages(context.locale)

  // Resolved once, so a message without a popup costs one Map lookup.
  const renderers = new Map<string, NotifyRenderer>()
  for (const type of [...Object.keys(defaultRenderers), ...Object.keys(options?.renderers ?? {})]) {
    const renderer = resolveRenderer(type, options)
    if (renderer) renderers.set(type, renderer)
    else renderers.delete(type)
  }

  const opened = new Set<NotificationHandle>()
  let windowStart = Number.NEGATIVE_INFINITY
  let shownInWindow = 0
  let summary: Summary | null = null
  let disposed = false

  function open(popup: Partial<NotificationOptions>, onClosed?: () => void): NotificationHandle {
    const userOnClose = popup.onClose
    let handle: NotificationHandle | undefined
    let closed = false
    handle = notifyFn(
      {
        ...popup,
        // Server text is never HTML, whatever a custom renderer asks for.
        dangerouslyUseHTMLString: false,
        onClose: (vm: VNode) => {
          closed = true
          if (handle) opened.delete(handle)
          onClosed?.()
          userOnClose?.(vm)
        },
      },
      appContext,
    )
    if (!closed) opened.add(handle)
    return handle
  }

  function openSummary(
    count: ShallowRef<number>,
    alarmsOnly: ShallowRef<boolean>,
    type: Summary['type'],
    sticky: boolean,
  ): Summary {
    const popup: Partial<NotificationOptions> = {
      title: messages.summaryTitle,
      type,
      customClass: 'sse-notify sse-notify--summary',
      // A render function reading the refs: the count updates in place.
      message: () => h('p', { class: 'sse-notify__summary' }, messages.summary(count.value, alarmsOnly.value)),
    }
    if (sticky) popup.duration = 0
    let entry: Summary | undefined
    const handle = open(popup, () => {
      if (summary === entry) summary = null
    })
    entry = { handle, count, alarmsOnly, type, sticky }
    return entry
  }

  function fold(type: string, popup: Partial<NotificationOptions>): void {
    const isAlarm = alarmTypes.has(type)
    const sticky = popup.duration !== undefined && popup.duration <= 0
    if (summary === null) {
      summary = openSummary(shallowRef(1), shallowRef(isAlarm), popup.type, sticky)
      return
    }
    summary.count.value++
    if (!isAlarm) summary.alarmsOnly.value = false
    // A folded error or sticky alarm must not vanish with a milder summary: reopen it stronger.
    const upgrade = severityOf(popup.type) > severityOf(summary.type)
    if (upgrade || (sticky && !summary.sticky)) {
      const previous = summary
      summary = null
      closeSoon(previous.handle)
      summary = openSummary(
        previous.count,
        previous.alarmsOnly,
        upgrade ? popup.type : previous.type,
        previous.sticky || sticky,
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
      if (shownInWindow < maxVisible) {
        shownInWindow++
        open(popup)
      } else {
        fold(message.type, popup)
      }
    } catch (cause) {
      onError?.(
        new SseError('handler', `Notification for messageType "${message.type}" failed`, {
          messageType: message.type,
          cause,
        }),
      )
    }
  }

  function closeAll(): void {
    const handles = [...opened]
    opened.clear()
    summary = null
    windowStart = Number.NEGATIVE_INFINITY
    shownInWindow = 0
    for (const handle of handles) closeSoon(handle)
  }

  function dispose(): void {
    disposed = true
    closeAll()
  }

  return { notify, closeAll, dispose }
}
