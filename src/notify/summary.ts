// The one popup that counts what is not on screen ("+N 条告警"), keeping the newest of it for a free place.
import type { NotificationOptions } from 'element-plus'
import type { ShallowRef } from 'vue'
import { h, shallowRef } from 'vue'
import { isAlarmType } from '../core/protocol'
import type { NotifyMessages } from './locale'
import type { OpenPopup, Popup } from './popup'

/** A popup decided for a message, not yet on screen. */
export interface PopupRequest {
  messageType: string
  options: Partial<NotificationOptions>
  /** When its message arrived, in ms. */
  at: number
}

/** The summary popup of one notifier. */
export interface Summary {
  /** Counts a popup that found the screen full; it is now the newest waiting for a free place. */
  add: (request: PopupRequest) => void
  /**
   * The newest popup counted, if it arrived less than `groupWindow` ago, taken out of the count (the
   * summary closes when nothing is left to count); `undefined` when there is none that is still news.
   */
  takeNewest: () => PopupRequest | undefined
  /** Closes the summary; what it counted stays counted only in the store. */
  close: () => void
}

// Higher wins when a storm mixes types: the summary shows the most severe one (other types: -1).
const severityOf = (type: string | undefined): number => ['info', 'warning', 'error'].indexOf(type!)

interface Shown {
  popup?: Popup
  /** Popups counted since this summary opened, less those that took a free place. */
  count: ShallowRef<number>
  /** Changes only with `count`, which re-renders the text. */
  alarmsOnly: boolean
  type: NotificationOptions['type']
  /** Whether it stays until the user closes it: it counted a popup that does. */
  sticky: boolean
  newest?: PopupRequest
}

/**
 * @param open opens the summary popup (as every popup of the notifier)
 * @param groupWindow how long a counted popup may still take a free place, in ms
 * @param now the clock `PopupRequest.at` is read on
 */
export function createSummary(open: OpenPopup, messages: NotifyMessages, groupWindow: number, now: () => number): Summary {
  let shown: Shown | undefined

  /** Opens the popup of `entry`; the count in its text is read when it renders, so it updates in place. */
  function mount(entry: Shown, messageType: string): void {
    const options: Partial<NotificationOptions> = {
      title: messages.summaryTitle,
      type: entry.type,
      customClass: 'sse-notify sse-notify--summary',
      message: () => h('p', { class: 'sse-notify__summary' }, messages.summary(entry.count.value, entry.alarmsOnly)),
    }
    if (entry.sticky) options.duration = 0
    const popup = (entry.popup = open(messageType, options, () => {
      if (shown?.popup === popup) shown = undefined
    }))
  }

  function add(request: PopupRequest): void {
    const { messageType, options } = request
    // Sticky: the popup stays until the user closes it, such as a critical alarm's.
    const sticky = (options.duration ?? 1) <= 0
    let entry = shown
    if (entry === undefined) {
      entry = shown = { count: shallowRef(0), alarmsOnly: true, type: options.type, sticky }
      mount(entry, messageType)
    } else {
      const stronger = severityOf(options.type) > severityOf(entry.type)
      if (stronger || (sticky && !entry.sticky)) {
        // A folded error or sticky alarm must not vanish with a milder summary: reopen it stronger
        // (a milder summary still waiting for its mount is simply never shown).
        entry.popup?.close()
        if (stronger) entry.type = options.type
        entry.sticky ||= sticky
        mount(entry, messageType)
      }
    }
    entry.alarmsOnly &&= isAlarmType(messageType)
    entry.count.value++
    entry.newest = request
  }

  function takeNewest(): PopupRequest | undefined {
    const newest = shown?.newest
    if (newest === undefined || now() - newest.at >= groupWindow) return undefined
    shown!.newest = undefined
    if (--shown!.count.value === 0) close()
    return newest
  }

  function close(): void {
    shown?.popup?.close()
    shown = undefined
  }

  return { add, takeNewest, close }
}
