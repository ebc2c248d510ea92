import type { App } from 'vue'
import { ssePlugin } from 'vue-sse-hub'
import { auth } from '../auth'

export function installSse(app: App): void {
  // #region stormControl
  app.use(ssePlugin, {
    url: '/api/sse',
    token: () => auth.token,
    notify: { maxVisible: 3, groupWindow: 5000 },
  })
  // #endregion stormControl
}
