// Readies the popups once they have loaded, in idle tasks: the cold work of the first popups would otherwise run inside a burst.
import { ElNotification } from 'element-plus'
import type { AppContext } from 'vue'
import { nextTick } from 'vue'
import { guarded } from '../core/guard'
import { whenIdle } from './idleTask'
import type { NotifyFunction } from './popup'
import { prepareTimeFormat } from './popupTime'
import { notifyBody } from './renderers'

/** The notifier whose first popups the warm-up readies. */
export interface WarmUpTarget {
  /** The locale its popups format times in. */
  locale: string
  notifyFn: NotifyFunction
  appContext: AppContext | null | undefined
  /** Whether it has opened a popup: the first mount is then done or under way, and needs no rehearsal. */
  popupsStarted: () => boolean
}

/**
 * The first alarm's popup creates the page's first `Intl.DateTimeFormat`, which initialises ICU, and
 * the first popup mount runs Vue's and Element Plus's mount code for the first time: over 10 ms each,
 * three times that on a slow machine, inside the first burst after login. Done beforehand, one step
 * per idle task, they leave the burst nothing cold but its own code.
 *
 * @returns cancels the steps that have not run (logout, dispose)
 */
export function warmUpPopups(target: WarmUpTarget): () => void {
  const steps = [() => prepareTimeFormat(target.locale), () => mountUnseen(target)]
  let cancel = next()

  function next(): () => void {
    const step = steps.shift()
    if (step === undefined) return noop
    return whenIdle(() => {
      // A failed warm-up costs only the time it was to save: the first popup does the work, and
      // reports its own error if it has one.
      guarded(step)
      cancel = next()
    })
  }

  return () => cancel()
}

/**
 * Mounts one notification nobody sees or hears, and closes it once Vue has rendered it. It goes into
 * an element never attached to the document: nothing is laid out or painted, and assistive
 * technology, which reads the document, never announces it. No timer (duration 0). It leaves
 * Element Plus's list of open notifications within its own task, before any popup can mount (one per
 * task), so it moves no popup and takes no place on screen. Only with Element Plus's own function:
 * another may ignore `appendTo`, and this one must never show.
 */
function mountUnseen({ notifyFn, appContext, popupsStarted }: WarmUpTarget): void {
  if (notifyFn !== ElNotification || popupsStarted()) return
  const handle = ElNotification(
    { type: 'info', message: notifyBody([[' ', ' ']]), duration: 0, appendTo: document.createElement('div') },
    appContext,
  )
  // As for a popup: closed in the tick it opened in, it would never leave Element Plus's list.
  void nextTick(() => handle.close())
}

function noop(): void {}
