// Several browser tabs of one origin in one process: a shared Web Locks manager and BroadcastChannel
// bus, each tab seeing them through its own `locks` and `BroadcastChannel`. Like the real ones, lock
// grants and channel deliveries are asynchronous (one task each) and messages are structured-cloned.
// A tab can crash: its locks are released and its channels go silent, with no message of any kind.

/** One simulated tab. */
export interface FakeTab {
  readonly id: number
  /** This tab's `navigator.locks`. */
  readonly locks: LockManager
  /** This tab's `BroadcastChannel` constructor. */
  readonly BroadcastChannel: typeof BroadcastChannel
  readonly crashed: boolean
  /** The tab dies: locks released, channels closed, nothing posted. */
  crash(): void
}

/** A message posted on a channel, as the bus saw it. */
export interface PostedMessage {
  tab: number
  name: string
  data: unknown
}

export interface FakeBrowser {
  openTab(): FakeTab
  /** Resolves once no lock grant or channel delivery is pending (and the code they ran has settled). */
  settle(): Promise<void>
  /** Names of the locks currently held, by tab. */
  held(): { name: string; tab: number }[]
  /** Names of the lock requests waiting, by tab. */
  waiting(): { name: string; tab: number }[]
  /** Every message posted so far, in order. */
  readonly posted: PostedMessage[]
}

interface Request {
  name: string
  tab: number
  callback: LockGrantedCallback<unknown>
  resolve: (value: unknown) => void
  reject: (reason: unknown) => void
}

interface LockEntry {
  holder: Request | null
  queue: Request[]
}

interface ChannelEntry {
  tab: number
  name: string
  closed: boolean
  deliver(data: unknown): void
}

export function createFakeBrowser(): FakeBrowser {
  let pending = 0
  let nextTab = 1
  const crashedTabs = new Set<number>()
  const lockTable = new Map<string, LockEntry>()
  const channels = new Set<ChannelEntry>()
  const posted: PostedMessage[] = []

  function schedule(task: () => void): void {
    pending++
    setTimeout(() => {
      pending--
      task()
    }, 0)
  }

  function entryFor(name: string): LockEntry {
    let entry = lockTable.get(name)
    if (!entry) {
      entry = { holder: null, queue: [] }
      lockTable.set(name, entry)
    }
    return entry
  }

  function release(request: Request): void {
    const entry = lockTable.get(request.name)
    if (!entry || entry.holder !== request) return
    entry.holder = null
    grantNext(request.name)
  }

  function grantNext(name: string): void {
    const entry = entryFor(name)
    if (entry.holder || entry.queue.length === 0) return
    const request = entry.queue.shift()!
    // Held from now on, before the callback runs, as in the real lock manager.
    entry.holder = request
    schedule(() => {
      if (crashedTabs.has(request.tab)) return
      let result: unknown
      try {
        result = request.callback({ name: request.name, mode: 'exclusive' })
      } catch (error) {
        release(request)
        request.reject(error)
        return
      }
      Promise.resolve(result).then(
        (value) => {
          release(request)
          request.resolve(value)
        },
        (error: unknown) => {
          release(request)
          request.reject(error)
        },
      )
    })
  }

  function abortError(): DOMException {
    return new DOMException('The lock request was aborted.', 'AbortError')
  }

  function createLocks(tab: number): LockManager {
    function request<T>(
      name: string,
      optionsOrCallback: LockOptions | LockGrantedCallback<T>,
      maybeCallback?: LockGrantedCallback<T>,
    ): Promise<Awaited<T>> {
      const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback
      const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!
      if (options.mode === 'shared' || options.steal) {
        return Promise.reject(new DOMException('Not simulated', 'NotSupportedError'))
      }
      // As the standard says: a signal cannot go with ifAvailable (nor steal).
      if (options.signal && options.ifAvailable) {
        return Promise.reject(new DOMException('signal with ifAvailable', 'NotSupportedError'))
      }
      return new Promise<Awaited<T>>((resolve, reject) => {
        if (crashedTabs.has(tab)) return
        const signal = options.signal
        if (signal?.aborted) {
          reject(abortError())
          return
        }
        const entry = entryFor(name)
        if (options.ifAvailable && (entry.holder || entry.queue.length > 0)) {
          schedule(() => {
            if (crashedTabs.has(tab)) return
            try {
              Promise.resolve(callback(null)).then((value) => resolve(value as Awaited<T>), reject)
            } catch (error) {
              reject(error)
            }
          })
          return
        }
        const req: Request = {
          name,
          tab,
          callback: callback as LockGrantedCallback<unknown>,
          resolve: resolve as (value: unknown) => void,
          reject,
        }
        signal?.addEventListener('abort', () => {
          const index = entry.queue.indexOf(req)
          if (index === -1) return
          entry.queue.splice(index, 1)
          reject(abortError())
        })
        entry.queue.push(req)
        grantNext(name)
      })
    }
    const manager = {
      request,
      async query(): Promise<LockManagerSnapshot> {
        const held: LockInfo[] = []
        const waiting: LockInfo[] = []
        for (const [name, entry] of lockTable) {
          if (entry.holder) held.push({ name, mode: 'exclusive', clientId: String(entry.holder.tab) })
          for (const r of entry.queue) waiting.push({ name, mode: 'exclusive', clientId: String(r.tab) })
        }
        return { held, pending: waiting }
      },
    }
    return manager as LockManager
  }

  function createChannelClass(tab: number): typeof BroadcastChannel {
    class FakeBroadcastChannel extends EventTarget implements BroadcastChannel {
      readonly name: string
      onmessage: ((this: BroadcastChannel, ev: MessageEvent) => unknown) | null = null
      onmessageerror: ((this: BroadcastChannel, ev: MessageEvent) => unknown) | null = null
      private readonly entry: ChannelEntry

      constructor(name: string) {
        super()
        this.name = String(name)
        const self = this
        this.entry = {
          tab,
          name: this.name,
          closed: crashedTabs.has(tab),
          deliver(data: unknown): void {
            const event = new MessageEvent('message', { data })
            self.onmessage?.call(self, event)
            self.dispatchEvent(event)
          },
        }
        if (!this.entry.closed) channels.add(this.entry)
      }

      postMessage(message: unknown): void {
        if (crashedTabs.has(tab)) return
        if (this.entry.closed) throw new DOMException('The channel is closed.', 'InvalidStateError')
        // Throws DataCloneError for functions and the like, as the real one does.
        const data = structuredClone(message)
        posted.push({ tab, name: this.name, data })
        for (const target of channels) {
          if (target === this.entry || target.name !== this.name || target.closed) continue
          schedule(() => {
            if (target.closed || crashedTabs.has(target.tab)) return
            target.deliver(structuredClone(data))
          })
        }
      }

      close(): void {
        this.entry.closed = true
        channels.delete(this.entry)
      }
    }
    return FakeBroadcastChannel
  }

  function crash(tab: number): void {
    if (crashedTabs.has(tab)) return
    crashedTabs.add(tab)
    for (const entry of channels) {
      if (entry.tab === tab) {
        entry.closed = true
        channels.delete(entry)
      }
    }
    for (const [name, entry] of lockTable) {
      entry.queue = entry.queue.filter((r) => r.tab !== tab)
      if (entry.holder?.tab === tab) {
        entry.holder = null
        grantNext(name)
      }
    }
  }

  return {
    openTab(): FakeTab {
      const id = nextTab++
      return {
        id,
        locks: createLocks(id),
        BroadcastChannel: createChannelClass(id),
        get crashed() {
          return crashedTabs.has(id)
        },
        crash: () => {
          crash(id)
        },
      }
    },
    async settle(): Promise<void> {
      for (let round = 0; round < 10_000; round++) {
        await new Promise((resolve) => setTimeout(resolve, 0))
        if (pending === 0) {
          await new Promise((resolve) => setTimeout(resolve, 0))
          if (pending === 0) return
        }
      }
      throw new Error('fake tabs did not settle: something keeps posting or locking')
    },
    held() {
      const out: { name: string; tab: number }[] = []
      for (const [name, entry] of lockTable) if (entry.holder) out.push({ name, tab: entry.holder.tab })
      return out
    },
    waiting() {
      const out: { name: string; tab: number }[] = []
      for (const [name, entry] of lockTable) for (const r of entry.queue) out.push({ name, tab: r.tab })
      return out
    },
    posted,
  }
}
