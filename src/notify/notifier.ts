// The notifier: renders each message's popup and hands it to the screen, which caps what is shown.
import { ElNotification } from 'element-plus'
import type { AppContext } from 'vue'
import { guarded } from '../core/guard'
import { SseError } from '../core/errors'
import type { CalcOptions, NotifyOptions, NotifyRenderer } from '../options'
import type { SseMessage } from '../core/protocol'
import { getNotifyMessages } from './locale'
import { createNotifyContext } from './notifyContext'
import type { NotifyFunction, OpenPopup } from './popup'
import { createPopupOpener } from './popup'
import { defaultRenderers } from './renderers'
import { createScreen } from './screen'
import { createSummary } from './summary'
import { warmUpPopups } from './warmUp'

export type { NotifyFunction } from './popup'

/** Shows the popup of each message, with storm control. */
export interface Notifier {
  /**
   * Decides at once whether one decoded message gets a popup (or is counted in the summary) and
   * queues the popup's mount for a later task. Never throws.
   */
  notify: (message: SseMessage) => void
  /**
   * Closes every popup this notifier opened, the summary included (on logout), and drops those still
   * waiting to be mounted. Open popups close on the next tick.
   */
  closeAll: () => void
  /** Closes everything and ignores later messages. */
  dispose: () => void
}

/** The notifier `createNotifier` makes: it can also ready its first popups before they are needed. */
export interface PopupNotifier extends Notifier {
  /**
   * Readies, in idle tasks, what the first popups would otherwise do cold in the middle of a burst:
   * the time formatter and a first Element Plus mount, rehearsed where nobody sees it (`warmUp.ts`).
   * `closeAll` and `dispose` cancel what has not run.
   */
  warmUp: () => void
}

/**
 * Renderers by messageType: `options.renderers` over the built-in ones. `false` (anything but a
 * function) leaves a type without a popup, so a message without one costs one Map lookup.
 */
function resolveRenderers(custom: NotifyOptions['renderers']): Map<string, NotifyRenderer> {
  const entries = Object.entries({ ...defaultRenderers, ...custom }).filter((entry) => typeof entry[1] === 'function')
  // Each renderer is only ever called with messages of its own key, so the payload type it expects.
  return new Map(entries as Array<[string, NotifyRenderer]>)
}

/**
 * Creates the notifier the plugin feeds every decoded message to. At most `maxVisible` popups are on
 * screen at any moment, plus one summary popup counting the rest (see `NotifyOptions`).
 *
 * Which messages get a popup and what the summary counts is decided while the message is handled;
 * each popup is mounted in a later task of its own, in message order, so handling a burst never
 * includes a component mount. `closeAll` and `dispose` drop the popups still waiting.
 *
 * @param appContext passed to every popup, so VNode content can use the app's components
 * @param notifyFn the popup function (`ElNotification`; replaceable for tests or other UIs)
 * @param onError receives the error of a renderer (or popup call) that threw, as kind `handler`;
 *   that message gets no popup and the stream goes on
 * @param now clock of `groupWindow`, in ms: when each message arrived
 */
export function createNotifier(
  options: NotifyOptions | undefined,
  calc: CalcOptions | undefined,
  appContext?: AppContext | null,
  notifyFn: NotifyFunction = ElNotification,
  onError?: (error: SseError) => void,
  now: () => number = Date.now,
): PopupNotifier {
  const { renderers: custom, locale, maxVisible = 4, groupWindow = 2000, offset } = options ?? {}
  const context = createNotifyContext(locale, calc)
  const renderers = resolveRenderers(custom)
  const report = (messageType: string, cause: unknown): void =>
    onError?.(new SseError('handler', `Notification for messageType "${messageType}" failed`, { messageType, cause }))
  const opener = createPopupOpener(notifyFn, appContext, offset, report)
  // Once a popup is queued, the first mount is under way and needs no rehearsal.
  let popupsStarted = false
  const open: OpenPopup = (...popup) => {
    popupsStarted = true
    return opener(...popup)
  }
  const summary = createSummary(open, getNotifyMessages(context.locale), groupWindow, now)
  const screen = createScreen(maxVisible, open, summary)
  let disposed = false
  let cancelWarmUp = (): void => {}

  function notify(message: SseMessage): void {
    const renderer = disposed ? undefined : renderers.get(message.type)
    if (renderer === undefined) return
    guarded(
      () => {
        const popup = renderer(message, context)
        if (popup) screen.show({ messageType: message.type, options: popup, at: now() })
      },
      (cause) => report(message.type, cause),
    )
  }

  function closeAll(): void {
    cancelWarmUp()
    screen.closeAll()
    summary.close()
  }

  function warmUp(): void {
    if (disposed) return
    cancelWarmUp()
    cancelWarmUp = warmUpPopups({ locale: context.locale, notifyFn, appContext, popupsStarted: () => popupsStarted })
  }

  return {
    notify,
    closeAll,
    dispose() {
      disposed = true
      closeAll()
    },
    warmUp,
  }
}
