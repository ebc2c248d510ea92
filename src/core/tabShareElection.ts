// Which tab leads, over Web Locks: every tab holds a lock of its own while it lives, one tab holds the
// leader lock, and the leader waits on the other tabs' own locks to learn when one is gone.
// Web Locks: https://w3c.github.io/web-locks/

/** The tab standing in the election: what the election has it do. */
export interface Candidate {
  /** This tab holds its own lock: it may speak on the channel. The election begins right after. */
  join: () => void
  /** This tab holds the leader lock, until it stops or dies. */
  lead: () => void
  /** Another tab leads; this one waits for the leader lock. Once, at the start. */
  follow: () => void
  /** Tab `id`, watched, is gone: its own lock was released. */
  forget: (id: string) => void
  /** A lock request failed: Web Locks are unusable here after all (e.g. an opaque origin). */
  goSolo: (error: unknown) => void
}

export interface Election {
  /** Requests this tab's own lock, then the leader lock. */
  start(locks: LockManager): void
  /** Leader: waits on the own lock of tab `id`, once per tab. */
  watch(id: string): void
  /** Tab `id` went away: no longer waits on it. */
  forget(id: string): void
  /** Releases the locks held and withdraws every request. Idempotent. */
  stop(): void
}

/** The election of tab `tabId` among the tabs sharing the lock `name`. */
export function createElection(name: string, tabId: string, candidate: Candidate): Election {
  // Leader side: one pending request per known tab for that tab's own lock, granted when it is gone.
  const watches = new Map<string, AbortController>()
  const aborter = new AbortController()
  let releaseHeld!: () => void
  const untilStop = new Promise<void>((resolve) => {
    releaseHeld = resolve
  })
  let locks!: LockManager
  let stopped = false

  const tabLockName = (id: string): string => `${name}:tab:${id}`

  function settle(promise: Promise<unknown>, onFailure: (error: unknown) => void): void {
    promise.catch((error: unknown) => {
      // Aborts are our own doing (stop, a tab forgotten), not failures.
      if (!stopped && (error as { name?: unknown } | null | undefined)?.name !== 'AbortError') onFailure(error)
    })
  }

  function lead(): Promise<void> | undefined {
    if (stopped) return undefined
    candidate.lead()
    return untilStop
  }

  function elect(): void {
    // No signal here: the standard rejects `signal` with `ifAvailable`, and this request never waits.
    const first = locks.request(name, { ifAvailable: true }, (lock) => {
      if (stopped) return undefined
      if (lock) return lead()
      candidate.follow()
      settle(locks.request(name, { signal: aborter.signal }, lead), candidate.goSolo)
      return undefined
    })
    settle(first, candidate.goSolo)
  }

  return {
    start(lockManager) {
      locks = lockManager
      // Held until the tab stops or dies: the leader waits on it to learn that a tab is gone even
      // without a goodbye. The tab posts nothing before it is held, so no tab is watched early.
      const own = locks.request(tabLockName(tabId), { signal: aborter.signal }, () => {
        if (stopped) return undefined
        candidate.join()
        elect()
        return untilStop
      })
      settle(own, candidate.goSolo)
    },
    watch(id) {
      if (watches.has(id)) return
      const controller = new AbortController()
      watches.set(id, controller)
      const request = locks.request(tabLockName(id), { signal: controller.signal }, () => {
        if (watches.get(id) === controller) candidate.forget(id)
      })
      settle(request, () => {
        if (watches.get(id) === controller) watches.delete(id)
      })
    },
    forget(id) {
      watches.get(id)?.abort()
      watches.delete(id)
    },
    stop() {
      stopped = true
      aborter.abort()
      for (const controller of watches.values()) controller.abort()
      watches.clear()
      releaseHeld()
    },
  }
}
