import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-notification.css'
import { createPinia } from 'pinia'
import { createApp, h } from 'vue'
import { ssePlugin, useSseStore } from '../../src/index'
import { installHarness } from './harness'
import { onLastCalc } from './lastCalc'

// vue-sse-hub with its defaults (popups on); `?notify=0` turns popups off for the throughput run.
const notify = new URLSearchParams(location.search).get('notify') !== '0'
const app = createApp({ render: () => h('main', 'vue-sse-hub') })
const pinia = createPinia()
app.use(pinia)
app.use(ssePlugin, { url: '/api/sse', loggedIn: true, share: false, ...(notify ? {} : { notify: false }) })
app.mount('#app')

const store = useSseStore(pinia)
installHarness({
  delivered: () => store.stats.received,
  isOpen: () => store.connection.status === 'open',
  onLast: (done) => onLastCalc(store, done),
})
