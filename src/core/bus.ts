// Routes decoded messages to handlers by messageType; a handler that throws costs only its own call.
import type { MessageData, SseMessage } from './protocol'
import { SseError } from './errors'
import { guarded } from './guard'

/** A messageType, `'*'` for every message, or any string the server may send. */
export type SseListenType = '*' | (string & {})

/** Handler for one messageType: the payload first, the whole message second. */
export type SseHandler<K extends string = string> = (
  data: K extends '*' ? unknown : MessageData<K>,
  message: SseMessage<K extends '*' ? string : K>,
) => void

/** Routes decoded messages to handlers by messageType. */
export interface SseBus {
  /** Adds a handler; returns the function that removes it. */
  on<K extends SseListenType>(type: K, handler: SseHandler<K>): () => void
  /** Adds a handler that runs for the next message of this type only. */
  once<K extends SseListenType>(type: K, handler: SseHandler<K>): () => void
  /** Removes a handler; returns whether it was registered. */
  off<K extends SseListenType>(type: K, handler: SseHandler<K>): boolean
  /** Removes every handler of one type, or of all types when called without one. */
  clear(type?: SseListenType): void
  /** Delivers a message to its type's handlers, then to `'*'` handlers, in registration order. */
  emit(message: SseMessage): void
  /** Whether a message of this type would reach a handler (one of its type, or of `'*'`). */
  hears(type: string): boolean
  /** How many handlers are registered for a type, or in all when called without one. */
  listenerCount(type?: SseListenType): number
}

export interface SseBusOptions {
  /**
   * Receives every error a handler throws; the other handlers and the caller go on.
   * @default undefined (errors are swallowed)
   */
  onError?: (error: SseError) => void
}

interface Entry {
  fn: SseHandler<string>
  once: boolean
  removed: boolean
}

/** Creates a messageType bus. Handlers added during a dispatch run from the next message on. */
export function createBus(options: SseBusOptions = {}): SseBus {
  // Lists are replaced, never mutated, so a dispatch in progress iterates a stable snapshot.
  const handlers = new Map<string, Entry[]>()

  function add(type: string, fn: SseHandler<string>, once: boolean): () => void {
    const entry: Entry = { fn, once, removed: false }
    handlers.set(type, [...(handlers.get(type) ?? []), entry])
    return () => {
      remove(type, entry)
    }
  }

  function remove(type: string, entry: Entry): void {
    entry.removed = true
    // The type may be gone already (clear(), or the entry removed twice).
    const next = handlers.get(type)?.filter((e) => e !== entry)
    if (next?.length) handlers.set(type, next)
    else handlers.delete(type)
  }

  function dispatch(list: Entry[] | undefined, type: string, message: SseMessage): void {
    if (!list) return
    for (const entry of list) {
      if (entry.removed) continue
      if (entry.once) remove(type, entry)
      guarded(
        () => entry.fn(message.data as never, message as never),
        (cause) => {
          const text = cause instanceof Error ? cause.message : String(cause)
          options.onError?.(new SseError('handler', `A listener for "${message.type}" threw: ${text}`, { messageType: message.type, cause }))
        },
      )
    }
  }

  return {
    on: (type, handler) => add(type, handler as SseHandler<string>, false),
    once: (type, handler) => add(type, handler as SseHandler<string>, true),
    off(type, handler) {
      const entry = handlers.get(type)?.find((e) => e.fn === handler)
      if (!entry) return false
      remove(type, entry)
      return true
    },
    clear(type) {
      for (const [key, list] of handlers) {
        if (type !== undefined && key !== type) continue
        for (const entry of list) entry.removed = true
        handlers.delete(key)
      }
    },
    emit(message) {
      // Both lists are taken before any handler runs, so a '*' handler added by a typed one waits
      // for the next message; a message typed '*' goes through the '*' list once.
      const typed = message.type === '*' ? undefined : handlers.get(message.type)
      const all = handlers.get('*')
      dispatch(typed, message.type, message)
      dispatch(all, '*', message)
    },
    // An empty list is never kept (see remove and clear).
    hears: (type) => handlers.has(type) || handlers.has('*'),
    listenerCount(type) {
      let count = 0
      for (const [key, list] of handlers) if (type === undefined || key === type) count += list.length
      return count
    },
  }
}
