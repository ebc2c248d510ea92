import { ElMessage } from 'element-plus'
import { ref } from 'vue'
import type { Ref } from 'vue'

/** A button's request to the mock backend. */
export interface PendingAction {
  /** True while the request runs: the button shows it is loading. */
  pending: Ref<boolean>
  /** Runs the request; a failure is shown to the user as a message, never thrown. */
  run: () => Promise<void>
}

export function usePendingAction(action: () => Promise<unknown>): PendingAction {
  const pending = ref(false)
  async function run(): Promise<void> {
    pending.value = true
    try {
      await action()
    } catch (error) {
      ElMessage.error(error instanceof Error ? error.message : String(error))
    } finally {
      pending.value = false
    }
  }
  return { pending, run }
}
