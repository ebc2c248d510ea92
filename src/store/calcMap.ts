// Calcs by id as a ref: a map without prototype, not itself reactive (Vue's proxies keep keys such as
// `__proto__`, `__v_raw` or `__v_isReactive` for themselves, and ids come from the server), holding
// reactive records. The ref is triggered when calcs come, go or start a new run, never on progress.
import { customRef, reactive } from 'vue'
import type { Ref } from 'vue'
import { isRecord } from '../core/isRecord'
import { createCalcMap } from './state'
import type { CalcRecord } from './state'

export interface CalcMapRef {
  calcs: Ref<Record<string, CalcRecord>>
  /**
   * Triggers `calcs` when calcs came, went or started a new run since it last did. Called once a
   * change is whole, so that nothing sees a record half made.
   */
  publish(): void
}

/** A calc map ref holding these records; `onSet` runs when a map is set from outside, before the ref triggers. */
export function calcMapRef(records: Record<string, CalcRecord>, onSet: () => void): CalcMapRef {
  let moved = false
  // Every record written into the map is stored reactive, so changes made through what the reducers
  // read back are seen.
  const handler: ProxyHandler<Record<string, CalcRecord>> = {
    set(target, key, value) {
      moved = true
      return Reflect.set(target, key, typeof value === 'object' && value !== null ? reactive(value) : value)
    },
    deleteProperty(target, key) {
      moved = true
      return Reflect.deleteProperty(target, key)
    },
  }
  const toMap = (value: Record<string, CalcRecord>): Record<string, CalcRecord> => {
    const map = new Proxy(createCalcMap(), handler)
    if (isRecord(value)) for (const id of Object.keys(value)) map[id] = value[id]
    return map
  }

  let map = toMap(records)
  let trigger!: () => void
  const calcs = customRef<Record<string, CalcRecord>>((track, triggerRef) => {
    trigger = triggerRef
    return {
      get() {
        track()
        return map
      },
      set(value) {
        if (value !== map) map = toMap(value)
        onSet()
        moved = false
        triggerRef()
      },
    }
  })
  return {
    calcs,
    publish() {
      if (!moved) return
      moved = false
      trigger()
    },
  }
}
