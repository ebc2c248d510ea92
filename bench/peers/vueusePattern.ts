import { useEventSource } from '@vueuse/core'
import type { UseEventSourceReturn } from '@vueuse/core'
import { ElNotification } from 'element-plus'
import { watch } from 'vue'
import type { PeerCalcKind, PeerStore } from './peerStore'

// What an app writes with @vueuse/core: `useEventSource` and a `watch` on its `data` that routes each
// message by messageType into the store, with one popup per end and alarm message (text, not HTML).

const calcTypes: Record<string, [PeerCalcKind, 'start' | 'end' | 'progress']> = {
  '0-0': ['steady', 'start'],
  '0-1': ['steady', 'end'],
  '1-0': ['sandboxSteady', 'start'],
  '1-1': ['sandboxSteady', 'end'],
  '2-0': ['trace', 'start'],
  '2-1': ['trace', 'end'],
  '5-0': ['dyn', 'start'],
  '5-1': ['dyn', 'end'],
  '5-2': ['dyn', 'progress'],
  '6-0': ['sandboxDyn', 'start'],
  '6-1': ['sandboxDyn', 'end'],
  '6-2': ['sandboxDyn', 'progress'],
}

/** Opens the stream and feeds the store; call inside a component's setup or an effect scope. */
export function useVueuseNotifications(url: string, store: PeerStore): UseEventSourceReturn<string[], string> {
  const source = useEventSource<string[], string>(url, [], { autoReconnect: true })
  watch(source.data, (raw) => {
    if (!raw) return
    const { messageType, messageData } = JSON.parse(raw) as { messageType: string; messageData: Record<string, unknown> }
    const calc = calcTypes[messageType]
    if (calc) {
      const [kind, phase] = calc
      if (phase === 'start') store.calcStart(kind, messageData)
      else if (phase === 'progress') store.calcProgress(kind, messageData)
      else {
        const success = kind === 'trace' ? messageData.isTrace === 1 : messageData.status === 1
        store.calcEnd(kind, messageData, success)
        ElNotification({
          title: '计算结束',
          message: `${String(messageData.calcName)}：${success ? '成功' : '失败'}`,
          type: success ? 'success' : 'error',
        })
      }
    } else if (messageType === '4' || messageType === '7') {
      store.addAlarm(messageType, messageData)
      ElNotification({ title: String(messageData.title), message: String(messageData.content), type: 'warning' })
    } else if (messageType === '3') {
      store.scadaPulled(messageData)
    }
  })
  return source
}
