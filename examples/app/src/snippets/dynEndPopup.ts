import { h } from 'vue'
import type { App } from 'vue'
import { ssePlugin } from 'vue-sse-hub'
import type { NotifyRenderer } from 'vue-sse-hub'
import { auth } from '../auth'

const dynEnd: NotifyRenderer<'5-1'> = (message, { statusLabel, isSuccess }) => {
  const data = message.data // CalcPayload
  return {
    title: 'Simulation done',
    type: isSuccess(data.status) ? 'success' : 'error',
    // Text children: server values are escaped.
    message: h('div', [h('strong', data.calcName ?? ''), ' — ', statusLabel(data.status)]),
    duration: 8000,
    onClick: () => {
      location.hash = `#/calcs/${data.calcId ?? ''}`
    },
  }
}

export function installSse(app: App): void {
  app.use(ssePlugin, {
    url: '/api/sse',
    token: () => auth.token,
    notify: {
      locale: 'en',
      renderers: {
        '5-1': dynEnd, // replace the transient calc end popup
        '3': false, // no popup for SCADA pulls
        '5-2': (m) => (m.data.progress === 100 ? { title: '100 %' } : null), // add one
      },
    },
  })
}
