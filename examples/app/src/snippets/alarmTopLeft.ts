import { defaultRenderers } from 'vue-sse-hub'
import type { NotifyRenderer } from 'vue-sse-hub'

export const alarmTopLeft: NotifyRenderer<'4'> = (message, context) => {
  const options = defaultRenderers['4'](message, context)
  return options && { ...options, position: 'top-left' }
}
