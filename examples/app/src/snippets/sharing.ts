import type { App } from 'vue'
import { ssePlugin } from 'vue-sse-hub'
import { auth } from '../auth'

export function installShared(app: App): void {
  // #region shared
  app.use(ssePlugin, { url: '/api/sse', token: () => auth.token }) // share: true by default
  // #endregion shared
}

export function installPerTab(app: App): void {
  // #region perTab
  app.use(ssePlugin, { url: '/api/sse', token: () => auth.token, share: false })
  // #endregion perTab
}
