import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-notification.css'
import { createPinia } from 'pinia'
import { createApp, h } from 'vue'
import { usePeerStore } from '../peers/peerStore'
import { useVueuseNotifications } from '../peers/vueusePattern'
import { installHarness } from './harness'
import { onLastCalc } from './lastCalc'

const pinia = createPinia()
const app = createApp({
  setup() {
    const store = usePeerStore(pinia)
    const { status } = useVueuseNotifications('/api/sse', store)
    installHarness({
      delivered: () => store.received,
      isOpen: () => status.value === 'OPEN',
      onLast: (done) => onLastCalc(store, done),
    })
    return () => h('main', '@vueuse/core useEventSource')
  },
})
app.use(pinia)
app.mount('#app')
