// Opens one popup the safe way: mounted in a task of its own, server text never HTML, at the app's offset.
import type { NotificationHandle, NotificationOptions } from 'element-plus'
import type { AppContext, VNode } from 'vue'
import { nextTick } from 'vue'
import { guarded } from '../core/guard'
import { queueMount } from './mountQueue'
import { checkPopupStyle } from './styleCheck'

/** The popup function the notifier drives; `ElNotification` by default. */
export type NotifyFunction = (
  options: Partial<NotificationOptions>,
  appContext?: AppContext | null,
) => NotificationHandle

/** One popup: queued until its mount task runs, then open until it closes. */
export interface Popup {
  /** Cancels the mount while it is queued; closes the popup once mounted. */
  close: () => void
}

/**
 * Queues the mount of one popup. `onClosed` runs once it has started to leave (closed by its timer,
 * the user or `close`), or when its mount threw; never for a popup cancelled before its mount.
 */
export type OpenPopup = (messageType: string, options: Partial<NotificationOptions>, onClosed: () => void) => Popup

/**
 * The `open` every popup of one notifier goes through.
 *
 * @param report receives what the popup function threw, with the popup's messageType
 */
export function createPopupOpener(
  notifyFn: NotifyFunction,
  appContext: AppContext | null | undefined,
  offset: number | undefined,
  report: (messageType: string, cause: unknown) => void,
): OpenPopup {
  return (messageType, options, onClosed) => {
    const popup: Popup = {
      close: queueMount(() =>
        guarded(
          () => {
            const handle = notifyFn(
              {
                // Element Plus reads an undefined offset as its default.
                offset,
                ...options,
                // Server text is never HTML, whatever a custom renderer asks for.
                dangerouslyUseHTMLString: false,
                onClose: (vm: VNode) => {
                  onClosed()
                  options.onClose?.(vm)
                },
              },
              appContext,
            )
            // Closes after Vue has rendered pending updates. A popup closed in the tick it opened in
            // never runs its leave transition (its visibility flips back before any render), so
            // Element Plus would keep a hidden element and never call `onClose`.
            popup.close = () => void nextTick(() => handle.close())
            if (__DEV__) checkPopupStyle()
          },
          (cause) => {
            onClosed()
            report(messageType, cause)
          },
        ),
      ),
    }
    return popup
  }
}
