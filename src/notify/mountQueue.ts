import { yieldTask } from '../core/transports/yieldTask'

/**
 * Popup mounts waiting for their own task. Mounting an Element Plus notification (the first one cold)
 * can take tens of milliseconds; run inside the task that handles a burst of messages it would make
 * that task long, so each mount gets a later task of its own, in the order they were queued.
 * One queue for every notifier: two apps' popups never share a task either.
 */
interface QueuedMount {
  run: () => void
  cancelled: boolean
}

const queue: QueuedMount[] = []
let scheduled = false
let settledWaiters: Array<() => void> = []

/**
 * Runs `mount` in a later task, after every mount queued before it, one mount per task.
 * `mount` must not throw (the caller reports its own errors).
 *
 * @returns cancels the mount if it has not run yet; does nothing afterwards
 */
export function queueMount(mount: () => void): () => void {
  const entry: QueuedMount = { run: mount, cancelled: false }
  queue.push(entry)
  schedule()
  return () => {
    entry.cancelled = true
  }
}

/** Resolves once every queued mount has run or been cancelled. */
export function mountsSettled(): Promise<void> {
  dropCancelled()
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
  dropCancelled()
  const entry = queue.shift()
  entry?.run()
  dropCancelled()
  if (queue.length > 0) {
    schedule()
    return
  }
  const waiters = settledWaiters
  settledWaiters = []
  for (const resolve of waiters) resolve()
}

// Cancelled mounts cost no task: they are dropped before the next one runs.
function dropCancelled(): void {
  while (queue.length > 0 && queue[0].cancelled) queue.shift()
}
