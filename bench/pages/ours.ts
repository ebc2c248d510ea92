import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-notification.css'
import { createPinia } from 'pinia'
import { createApp, h } from 'vue'
import { ssePlugin, useSseStore } from '../../src/index'
import { startBarePipeline } from './barePipeline'
import { startEventSource } from './eventSourceProbe'
import { installHarness } from './harness'
import { onLastCalc } from './lastCalc'

// vue-sse-hub with its defaults but `share: false` (one tab). Query: `notify=0` turns popups off,
// `share=1` turns tab sharing on (the default), `url=` reads another stream, `warm=1` warms the
// popups. `pipeline=bare&n=N` runs the bare pipeline instead (same page, same bundle), done after N
// messages; `pipeline=eventsource&n=N` the browser's EventSource.
const query = new URLSearchParams(location.search)
const url = query.get('url') ?? '/api/sse'
const app = createApp({ render: () => h('main', 'vue-sse-hub') })
const pinia = createPinia()
app.use(pinia)

const pipeline = query.get('pipeline')
if (pipeline === 'bare') {
  installHarness(startBarePipeline(url, Number(query.get('n'))))
} else if (pipeline === 'eventsource') {
  installHarness(startEventSource(url, Number(query.get('n'))))
} else {
  app.use(ssePlugin, {
    url,
    loggedIn: true,
    share: query.get('share') === '1',
    ...(query.get('notify') === '0' ? { notify: false } : {}),
  })
  const store = useSseStore(pinia)
  installHarness({
    delivered: () => store.stats.received,
    isOpen: () => store.connection.status === 'open',
    onLast: (done) => onLastCalc(store, done),
  })
}
app.mount('#app')


// `warm=1`: what the first popups of a burst would cost if the library prepared them at login: ICU's
// date formatter created and one popup mounted (into a detached element, then closed) beforehand.
if (query.get('warm') === '1') void import('./warmPopups').then(({ warmPopups }) => warmPopups())
