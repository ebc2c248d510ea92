// The store's state as refs, and the one way each part of it changes: the reducers work on a view of
// the current values, the alarm list is changed on a copy that is published whole, the calc ref is
// triggered once a change of the calcs is whole, and what the hub changes message by message is told
// to Vue once per group of messages.
import { ref, shallowRef } from 'vue'
import type { Ref, ShallowRef } from 'vue'
import { defaultCalcOptions, defaultStoreOptions } from '../options'
import { adoptCalcs } from './calcs'
import { calcMapRef } from './calcMap'
import { createHeldChanges } from './heldChanges'
import { keptPayload } from './rawPayload'
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
  /**
   * The bounds and success rule, reused as the context of every message (`now` is set each time). Its
   * `edit` holds what the reducers write to a record until `publish`.
   */
  config: ApplyContext
  /** Runs `change` on a copy of the alarm list, published when it returns true. What the hub holds is published first. */
  changeAlarms(change: () => boolean): void
  /** Triggers `calcs` when calcs came, went or started a new run since it last did. */
  publishCalcs(): void
  /** The counters as the hub writes them: their raw object, whose changes are held until `publish` (heldChanges.ts). */
  heldStats(): SseStats
  /** The connection as the hub writes it, held the same way. */
  heldConnection(): ConnectionSnapshot
  /** Runs `change` on the alarm list the hub works on (a copy, made on first use), held until `publish`. */
  holdAlarms(change: () => boolean): void
  /** Tells Vue of what the hub changed since it last did: the alarm list, each changed field once, the calcs. */
  publish(): void
  /** Forgets the user's data, keeping the connection's `status`, `role`, `attempt` and `openedAt`. */
  reset(): void
}

export function createStoreState(): StoreState {
  const initial = createInitialState()
  const connection: Ref<ConnectionSnapshot> = ref(createConnectionSnapshot())
  // Calcs set from outside join the bound's queues.
  const { calcs, publish: publishCalcs } = calcMapRef(initial.calcs, () => adoptCalcs(view))
  const alarms: ShallowRef<AlarmRecord[]> = shallowRef(initial.alarms)
  const scada: Ref<ScadaState> = ref(initial.scada)
  const stats: Ref<SseStats> = ref(initial.stats)
  // A calc's or SCADA's payload is written as received; the one there when Vue hears of it is a copy.
  const held = createHeldChanges((raw) => {
    if ('data' in raw) raw.data = keptPayload(raw.data)
  })
  // Not state: bounds and bookkeeping are neither reactive nor part of `$state`.
  const config: ApplyContext = { now: 0, ...defaultStoreOptions, successStatuses: defaultCalcOptions.successStatuses, edit: held.edit }
  let index: SseIndex = initial.index
  // The copy of the alarm list a change works on, and whether the hub's changes to it wait for publish().
  let draft: AlarmRecord[] | null = null
  let draftChanged = false
  // The raw counters and connection the hub writes to until the next publish: looked up once a group.
  let statsHeld: SseStats | null = null
  let connectionHeld: ConnectionSnapshot | null = null

  const view: SseState = {
    get calcs() {
      return calcs.value
    },
    get alarms() {
      // Read even when a copy is worked on: a computed reading the view must keep depending on the list.
      const published = alarms.value
      return draft ?? published
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
    publish()
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

  // The hub's alarms of a group of messages share one copy, published with the rest.
  function holdAlarms(change: () => boolean): void {
    draft ??= alarms.value.slice()
    if (change()) draftChanged = true
  }

  function publish(): void {
    // A watcher run below may replace the objects: the next group looks them up again.
    statsHeld = connectionHeld = null
    // The list first: a watcher run by a field below may read the alarms.
    if (draft !== null) {
      const list = draft
      const changed = draftChanged
      draft = null
      draftChanged = false
      if (changed) alarms.value = list
    }
    held.publish()
    publishCalcs()
  }

  function reset(): void {
    // What the hub held belongs to the objects replaced below.
    held.drop()
    statsHeld = connectionHeld = null
    draft = null
    draftChanged = false
    const { status, role, attempt, openedAt } = connection.value
    const fresh = createInitialState()
    index = fresh.index
    connection.value = { ...createConnectionSnapshot(), status, role, attempt, openedAt }
    calcs.value = fresh.calcs
    alarms.value = fresh.alarms
    scada.value = fresh.scada
    stats.value = fresh.stats
  }

  return {
    connection,
    calcs,
    alarms,
    scada,
    stats,
    view,
    config,
    changeAlarms,
    publishCalcs,
    heldStats: () => (statsHeld ??= held.edit(stats.value)),
    heldConnection: () => (connectionHeld ??= held.edit(connection.value)),
    holdAlarms,
    publish,
    reset,
  }
}
