// One queue of popup mounts, one mount per task, so that handling a burst of messages never includes a mount.
import { yieldTask } from '../core/transports/yieldTask'

/**
 * Popup mounts waiting for their own task. Mounting an Element Plus notification (the first one cold)
 * can take tens of milliseconds; run inside the task that handles a burst of messages it would make
 * that task long, so each mount gets a later task of its own, in the order they were queued.
 * One queue for every notifier: two apps' popups never share a task either.
 */
const queue: Array<() => void> = []
let scheduled = false
let settledWaiters: Array<() => void> = []

/**
 * Runs `mount` in a later task, after every mount queued before it, one mount per task.
 * `mount` must not throw (the caller reports its own errors).
 *
 * @returns cancels the mount if it has not run yet; does nothing afterwards
 */
export function queueMount(mount: () => void): () => void {
  // An entry of its own, so cancelling finds this very call even when `mount` was queued twice.
  const entry = (): void => mount()
  queue.push(entry)
  schedule()
  // A cancelled mount leaves the queue at once, so it costs no task.
  return () => {
    const index = queue.indexOf(entry)
    if (index >= 0) queue.splice(index, 1)
  }
}

/** Resolves once every queued mount has run or been cancelled. For tests: development builds only. */
export function mountsSettled(): Promise<void> {
  if (queue.length === 0) return Promise.resolve()
  return new Promise((resolve) => settledWaiters.push(resolve))
}

function schedule(): void {
  if (scheduled) return
  scheduled = true
  void yieldTask().then(runNext)
}

function runNext(): void {
  scheduled = false
  queue.shift()?.()
  if (queue.length > 0) schedule()
  else if (__DEV__) {
    const waiters = settledWaiters
    settledWaiters = []
    for (const resolve of waiters) resolve()
  }
}
