// One messageType handler, removed when the calling scope is disposed.
import { tryOnScopeDispose } from '@vueuse/core'
import type { SseHandler, SseListenType } from '../core/bus'
import { useSseHub } from './useSseHub'

/**
 * Listens to one messageType (`'*'` for all) for as long as the calling component or effect scope
 * lives; the handler is removed when it is disposed. Returns the function that removes it earlier.
 *
 * ```ts
 * useSseListener('5-2', (data) => console.log(data.progress)) // data: CalcPayload
 * ```
 */
export function useSseListener<K extends SseListenType>(type: K, handler: SseHandler<K>): () => void {
  const off = useSseHub().on(type, handler)
  tryOnScopeDispose(off)
  return off
}
