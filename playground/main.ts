import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
// The library's public entry (what apps import as 'vue-sse-hub').
import { ssePlugin } from '../src/index'
import App from './App.vue'
import { auth, logout } from './auth'
import { elementLocale, locale } from './i18n'
import { readSettings } from './settings'
import './styles.css'

const settings = readSettings()

const app = createApp(App)
app.use(createPinia())
app.use(ElementPlus, { locale: elementLocale })
app.use(ssePlugin, {
  url: '/api/sse',
  token: () => auth.token,
  share: settings.share,
  // Popups start below the 60 px header, so sign-out is never covered.
  notify: { locale, offset: 72 },
  // The backend forgot the token (e.g. it restarted): back to the sign-in screen.
  onUnauthorized: () => {
    logout()
    return null
  },
  // Tests shorten the watchdog through the address; people get the library default.
  ...(settings.heartbeatTimeout === undefined ? {} : { heartbeatTimeout: settings.heartbeatTimeout }),
})
document.documentElement.lang = locale
app.mount('#app')
