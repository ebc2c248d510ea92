import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-notification.css'
import { createPinia } from 'pinia'
import { createApp, h, watch } from 'vue'
import { usePeerStore } from '../peers/peerStore'
import { useVueuseNotifications } from '../peers/vueusePattern'
import { installHarness } from './harness'
import { LAST_CALC_ID, LAST_MESSAGE } from './shared'

const pinia = createPinia()
const app = createApp({
  setup() {
    const store = usePeerStore(pinia)
    const { status } = useVueuseNotifications('/api/sse', store)
    installHarness({
      delivered: () => store.received,
      isOpen: () => status.value === 'OPEN',
      onLast(done) {
        watch(
          () => store.calcs[LAST_CALC_ID]?.message,
          (message) => {
            if (message === LAST_MESSAGE) done()
          },
          { flush: 'sync' },
        )
      },
    })
    return () => h('main', '@vueuse/core useEventSource')
  },
})
app.use(pinia)
app.mount('#app')
