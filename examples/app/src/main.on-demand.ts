import { createApp } from 'vue'
import { createPinia } from 'pinia'
// vue-sse-hub calls ElNotification from its own code, where the resolver does not look: import the
// popup's style once (with an SCSS theme: 'element-plus/es/components/notification/style/index').
import 'element-plus/es/components/notification/style/css'
import { ssePlugin } from 'vue-sse-hub'
import App from './App.vue'
import { auth } from './auth'

createApp(App)
  .use(createPinia())
  .use(ssePlugin, {
    url: '/api/sse',
    token: () => auth.token, // truthy: connect with it; falsy: close and clear the store
  })
  .mount('#app')
