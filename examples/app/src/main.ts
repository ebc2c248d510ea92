import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import { ssePlugin } from 'vue-sse-hub'
import App from './App.vue'
import { auth } from './auth'

createApp(App)
  .use(createPinia())
  .use(ElementPlus)
  .use(ssePlugin, {
    url: '/api/sse',
    token: () => auth.token, // truthy: connect with it; falsy: close and clear the store
  })
  .mount('#app')
