import { watch } from 'vue'
import { LAST_CALC_ID, LAST_MESSAGE } from './shared'

/** The part of a Vue store the pages read: calcs by id, each with the message of its last event. */
export interface CalcsByIdStore {
  readonly calcs: Readonly<Record<string, { readonly message?: unknown } | undefined>>
}

/**
 * Calls `done` when the store reflects the last message of the run. A sync watch, so the time taken is
 * the moment the store changed, not the next render. Kept apart from `harness.ts`: the raw page has no
 * Vue and must not load it.
 */
export function onLastCalc(store: CalcsByIdStore, done: () => void): void {
  watch(
    () => store.calcs[LAST_CALC_ID]?.message,
    (message) => {
      if (message === LAST_MESSAGE) done()
    },
    { flush: 'sync' },
  )
}
