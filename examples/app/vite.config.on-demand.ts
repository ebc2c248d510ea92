import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { defineConfig } from 'vite'

// Element Plus imported on demand: each <el-…> tag in a template brings its component and its style.
export default defineConfig({
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver()] })],
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
