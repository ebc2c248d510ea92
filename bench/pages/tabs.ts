import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-notification.css'
import { createPinia } from 'pinia'
import { createApp, h } from 'vue'
import type { NotifyOptions, NotifyRenderer } from '../../src/index'
import { defaultRenderers, getActiveHub, ssePlugin, useSseStore } from '../../src/index'
import { epochNow, installHarness } from './harness'
import { onLastCalc } from './lastCalc'
import type { TabsWindowApi } from './shared'

declare global {
  interface Window {
    __benchTabs?: TabsWindowApi
  }
}

// One tab of several of the same user: ssePlugin defaults (tab sharing and popups on). Each built-in
// renderer is wrapped to note which messages this tab decided a popup for; `record=1` also notes
// every delivered message with its time and this tab's role then.
const record = new URLSearchParams(location.search).get('record') === '1'
const api: TabsWindowApi = { role: () => store.connection.role, popupIds: [], delivered: [] }
// Each built-in renderer is typed for its own messageType; wrapped, it is called with messages of that type only.
const renderers: NotifyOptions['renderers'] = Object.fromEntries(
  Object.entries(defaultRenderers as Record<string, NotifyRenderer>).map(([type, render]): [string, NotifyRenderer] => [
    type,
    (message, context) => {
      const popup = render(message, context)
      if (popup) api.popupIds.push(message.id)
      return popup
    },
  ]),
)

const app = createApp({ render: () => h('main', 'vue-sse-hub, several tabs') })
const pinia = createPinia()
app.use(pinia)
app.use(ssePlugin, { url: '/api/sse', loggedIn: true, notify: { renderers } })
app.mount('#app')

const store = useSseStore(pinia)
if (record) {
  const hub = getActiveHub()!
  hub.on('*', (_data, message) => {
    api.delivered.push({ id: message.id, at: epochNow(), role: hub.role })
  })
}
window.__benchTabs = api
installHarness({
  delivered: () => store.stats.received,
  isOpen: () => store.connection.status === 'open',
  onLast: (done) => onLastCalc(store, done),
})
