import { h } from 'vue'
import type { App } from 'vue'
import { ssePlugin } from 'vue-sse-hub'
import type { AlarmPayload } from 'vue-sse-hub'
import { auth } from '../auth'

export function installSse(app: App): void {
  app.use(ssePlugin, {
    url: '/api/sse',
    token: () => auth.token,
    notify: {
      renderers: {
        '4': (message) => {
          const alarm = message.data as AlarmPayload
          return { title: `Alarm: ${alarm.title ?? ''}`, type: 'error', message: h('strong', alarm.content ?? '') }
        },
        '3': false, // no popup for SCADA pulls
      },
    },
  })
}
