// The store's state as refs, and the one way each part of it changes: the reducers work on a view of
// the current values, the alarm list is changed on a copy that is published whole, the calc ref is
// triggered once a change of the calcs is whole.
import { ref, shallowRef } from 'vue'
import type { Ref, ShallowRef } from 'vue'
import { defaultCalcOptions, defaultStoreOptions } from '../options'
import { adoptCalcs } from './calcs'
import { calcMapRef } from './calcMap'
import { createConnectionSnapshot, createInitialState } from './state'
import type { AlarmRecord, ApplyContext, CalcRecord, ConnectionSnapshot, ScadaState, SseIndex, SseState, SseStats } from './state'

export interface StoreState {
  connection: Ref<ConnectionSnapshot>
  calcs: Ref<Record<string, CalcRecord>>
  /** Newest first; a new array on every change. */
  alarms: ShallowRef<AlarmRecord[]>
  scada: Ref<ScadaState>
  stats: Ref<SseStats>
  /** What the reducers change: always the current values, whatever replaced them. */
  view: SseState
  /** The bounds and success rule, reused as the context of every message (`now` is set each time). */
  config: ApplyContext
  /** Runs `change` on a copy of the alarm list, published when it returns true. */
  changeAlarms(change: () => boolean): void
  /** Triggers `calcs` when calcs came, went or started a new run since it last did. */
  publishCalcs(): void
  /** Forgets the user's data, keeping the connection's `status`, `role`, `attempt` and `openedAt`. */
  reset(): void
}

export function createStoreState(): StoreState {
  const initial = createInitialState()
  const connection: Ref<ConnectionSnapshot> = ref(createConnectionSnapshot())
  // Calcs set from outside join the bound's queues.
  const { calcs, publish } = calcMapRef(initial.calcs, () => adoptCalcs(view))
  const alarms: ShallowRef<AlarmRecord[]> = shallowRef(initial.alarms)
  const scada: Ref<ScadaState> = ref(initial.scada)
  const stats: Ref<SseStats> = ref(initial.stats)
  // Not state: bounds and bookkeeping are neither reactive nor part of `$state`.
  const config: ApplyContext = { now: 0, ...defaultStoreOptions, successStatuses: defaultCalcOptions.successStatuses }
  let index: SseIndex = initial.index
  // The copy of the alarm list a change works on.
  let draft: AlarmRecord[] | null = null

  const view: SseState = {
    get calcs() {
      return calcs.value
    },
    get alarms() {
      return draft ?? alarms.value
    },
    get scada() {
      return scada.value
    },
    get stats() {
      return stats.value
    },
    get index() {
      return index
    },
  } as SseState

  // The reducers change the alarm list in place. A published list is never changed: a watcher's
  // previous value, or a list a component kept, stays what it was. They change a copy instead, which is
  // published (a new array: watchers and computeds compare identity) when something changed.
  function changeAlarms(change: () => boolean): void {
    const copy = alarms.value.slice()
    draft = copy
    let changed = false
    try {
      changed = change()
    } finally {
      draft = null
    }
    if (changed) alarms.value = copy
  }

  function reset(): void {
    const { status, role, attempt, openedAt } = connection.value
    const fresh = createInitialState()
    index = fresh.index
    connection.value = { ...createConnectionSnapshot(), status, role, attempt, openedAt }
    calcs.value = fresh.calcs
    alarms.value = fresh.alarms
    scada.value = fresh.scada
    stats.value = fresh.stats
  }

  return { connection, calcs, alarms, scada, stats, view, config, changeAlarms, publishCalcs: publish, reset }
}
