import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [vue()],
  // `npm run dev` beside the example server (node examples/server/server.mjs): same origin for the app.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
