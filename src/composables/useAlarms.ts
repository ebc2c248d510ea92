// The alarms of the store as a composable: the list, the unread count and the actions on them.
import { computed } from 'vue'
import type { ComputedRef } from 'vue'
import type { AlarmRecord } from '../store/state'
import { useSseStore } from '../store/useSseStore'

export interface UseAlarmsReturn {
  /** Alarms and data anomalies, newest first. */
  alarms: ComputedRef<readonly AlarmRecord[]>
  /** Alarms not acknowledged yet. */
  unreadCount: ComputedRef<number>
  /** Marks one alarm read, or a selection of them (e.g. the checked rows of a table) in one change. */
  acknowledge: (ids: string | readonly string[]) => void
  /** Marks every alarm read. */
  acknowledgeAll: () => void
  /** Removes every alarm. */
  clear: () => void
}

/** The alarm list of the store, with its unread count and actions. */
export function useAlarms(): UseAlarmsReturn {
  const store = useSseStore()
  return {
    alarms: computed(() => store.alarms),
    unreadCount: computed(() => store.unreadCount),
    acknowledge: (ids) => store.acknowledge(ids),
    acknowledgeAll: () => store.acknowledgeAll(),
    clear: () => store.clearAlarms(),
  }
}
