// The cap on the screen: at most `maxVisible` popups at any moment; the summary counts the rest.
import type { OpenPopup, Popup } from './popup'
import type { PopupRequest, Summary } from './summary'

/** The popups of one notifier on screen. */
export interface Screen {
  /** Shows the popup if there is a free place, else counts it in the summary. */
  show: (request: PopupRequest) => void
  /** Closes every popup on screen (and cancels those still waiting for their mount). */
  closeAll: () => void
}

/**
 * A popup holds its place from the moment it is decided (its mount waits for a task of its own)
 * until it starts to leave. When one leaves, the newest popup the summary counted takes the place,
 * if it is still news: newest information first, older ones stay counted.
 *
 * @param maxVisible places on screen; anything but a number of 0 or more means none
 */
export function createScreen(maxVisible: number, open: OpenPopup, summary: Summary): Screen {
  const onScreen = new Set<Popup>()

  function show(request: PopupRequest): void {
    // Negated, so that NaN means no place rather than no limit.
    if (!(onScreen.size < maxVisible)) return summary.add(request)
    const popup = open(request.messageType, request.options, () => {
      // Not on screen any more: closed by closeAll, which frees no place.
      if (!onScreen.delete(popup)) return
      const next = summary.takeNewest()
      if (next) show(next)
    })
    onScreen.add(popup)
  }

  function closeAll(): void {
    // Deleted first, so that their closing frees no place; a Set's iteration goes on past deletions.
    for (const popup of onScreen) {
      onScreen.delete(popup)
      popup.close()
    }
  }

  return { show, closeAll }
}
