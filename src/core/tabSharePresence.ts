// Where the tabs of a group stand (visible, focused), and which of them pops a notification: the tab
// the user looks at, so that one message makes one popup.
import { guarded } from './guard'
import { toPresence } from './tabShareWire'
import type { TabPresence } from './tabShareWire'

export interface Presence {
  /** This tab's presence, read now; a reader that throws is reported and counts as neither. */
  own(): TabPresence
  /** Another tab reported its presence. */
  note(id: string, presence: TabPresence): void
  /** Tab `id` went away. */
  forget(id: string): void
  /** The ids of the other tabs heard of. */
  peers(): Iterable<string>
  /**
   * The tab to pop a notification: this one (`tabId`) when visible and focused, else the visible and
   * focused tab that reported last, else this one.
   */
  notifier(tabId: string): string
}

/** Presence of this tab (`read`) and of the tabs heard of. */
export function createPresence(read: () => TabPresence, report: (error: unknown) => void): Presence {
  // In the order of their last report: the most recently focused tab comes last.
  const peers = new Map<string, TabPresence>()

  function own(): TabPresence {
    return guarded(() => toPresence(read()), report) ?? toPresence({})
  }

  return {
    own,
    note(id, presence) {
      peers.delete(id)
      peers.set(id, presence)
    },
    forget(id) {
      peers.delete(id)
    },
    peers: () => peers.keys(),
    notifier(tabId) {
      const here = own()
      if (here.visible && here.focused) return tabId
      let chosen = tabId
      for (const [id, peer] of peers) if (peer.visible && peer.focused) chosen = id
      return chosen
    },
  }
}

/**
 * Listens to the page, where there is one: `change` when the tab is shown or hidden, focused or
 * blurred; `hide` when the page goes away or into the back/forward cache; `restore` when it comes back
 * from that cache. Returns the function that stops listening.
 */
export function listenToPage(change: () => void, hide: () => void, restore: () => void): () => void {
  const doc = typeof document !== 'undefined' ? document : null
  const win = typeof window !== 'undefined' && typeof window.addEventListener === 'function' ? window : null
  const listeners: [EventTarget | null, string, (event: Event) => void][] = [
    [doc, 'visibilitychange', change],
    [win, 'focus', change],
    [win, 'blur', change],
    [win, 'pagehide', hide],
    [
      win,
      'pageshow',
      (event) => {
        if ((event as PageTransitionEvent).persisted) restore()
      },
    ],
  ]
  for (const [target, type, listener] of listeners) target?.addEventListener(type, listener)
  return () => {
    for (const [target, type, listener] of listeners) target?.removeEventListener(type, listener)
  }
}

/** The presence of the page's document: visible, and focused. */
export function documentPresence(): TabPresence {
  const doc: Partial<Document> = typeof document === 'undefined' ? {} : document
  return { visible: doc.visibilityState === 'visible', focused: doc.hasFocus?.() === true }
}
