import { h } from 'vue'
import type { App } from 'vue'
import { ssePlugin } from 'vue-sse-hub'
import { auth } from '../auth'

export function installSse(app: App): void {
  app.use(ssePlugin, {
    url: '/api/sse',
    token: () => auth.token,
    notify: {
      renderers: {
        // message.data is an AlarmPayload: the renderer of '4' is typed by SseMessageMap
        '4': (message) => ({
          title: `Alarm: ${message.data.title ?? ''}`,
          type: 'error',
          message: h('strong', message.data.content ?? ''),
        }),
        // the app's own type (src/sse-messages.d.ts): message.data is { pumpId, running }
        'pump-state': (message) =>
          message.data.running ? null : { title: `Pump ${message.data.pumpId} stopped`, type: 'warning' },
        '3': false, // no popup for SCADA pulls
      },
    },
  })
}
