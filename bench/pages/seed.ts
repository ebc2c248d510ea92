import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-notification.css'
import { createPinia } from 'pinia'
import { createApp, h } from 'vue'
import { createSSE, mountSeedListeners, setSeedConsole } from '../peers/seedPattern'
import { usePeerStore } from '../peers/peerStore'
import { installHarness } from './harness'
import { onLastCalc } from './lastCalc'

const quiet = (): void => {}
setSeedConsole({ log: quiet, warn: quiet })

const app = createApp({ render: () => h('main', 'seed pattern') })
const pinia = createPinia()
app.use(pinia)
app.mount('#app')

const store = usePeerStore(pinia)
mountSeedListeners(store)
const source = createSSE('/api/sse')
installHarness({
  delivered: () => store.received,
  isOpen: () => source.readyState === EventSource.OPEN,
  onLast: (done) => onLastCalc(store, done),
})
