// One calculation as a composable: a calc id's record, or the latest run of a kind, with its progress.
import { computed, toValue } from 'vue'
import type { ComputedRef, MaybeRefOrGetter } from 'vue'
import type { CalcKind } from '../core/protocol'
import type { CalcRecord, CalcStatus } from '../store/state'
import { useSseStore } from '../store/useSseStore'

export interface UseCalcReturn {
  /** The calc with this id, or the most recent run of this kind; undefined until one arrives. */
  calc: ComputedRef<CalcRecord | undefined>
  /** 0–100; 0 when there is no calc yet. */
  progress: ComputedRef<number>
  /** Whether the calc is running. */
  running: ComputedRef<boolean>
  /** `running`, `succeeded` or `failed`; undefined when there is no calc yet. */
  status: ComputedRef<CalcStatus | undefined>
}

const kinds = new Set<string>(['steady', 'sandboxSteady', 'trace', 'dyn', 'sandboxDyn'] satisfies CalcKind[])

/**
 * One calculation, reactive: by calc id (`useCalc(calcId)`), or the latest run of a kind
 * (`useCalc('dyn')`). The argument may be a ref or getter.
 */
export function useCalc(kindOrId: MaybeRefOrGetter<CalcKind | (string & {}) | number>): UseCalcReturn {
  const store = useSseStore()
  const calc = computed((): CalcRecord | undefined => {
    const key = String(toValue(kindOrId))
    return kinds.has(key) ? store.latestCalc(key as CalcKind) : store.calcs[key]
  })
  return {
    calc,
    progress: computed(() => calc.value?.progress ?? 0),
    running: computed(() => calc.value?.status === 'running'),
    status: computed(() => calc.value?.status),
  }
}
