import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'
import pkg from './package.json' with { type: 'json' }
import { mockBackendPlugin } from './playground/server/vitePlugin.ts'

const peers = Object.keys(pkg.peerDependencies)
// Entry points of the package (each file of src/ becomes a module of dist/ all the same, at its own path).
const libraryEntries = {
  index: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
  'testing/index': fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)),
}
const isPeer = (id: string): boolean => peers.some((p) => id === p || id.startsWith(`${p}/`))

export default defineConfig(({ command, mode }) => ({
  // `npm run dev`: the playground and its mock SSE backend (playground/server) on one server. Ids
  // start from the time, so a page left open across a restart of the dev server loses nothing.
  plugins: command === 'serve' && mode !== 'test' ? [vue(), mockBackendPlugin({ heartbeatMs: 15_000, firstId: Date.now() * 1000 })] : [vue()],
  define: {
    // Library consumers' bundlers decide; the playground and tests run in development.
    __DEV__: command === 'build' ? "(process.env.NODE_ENV !== 'production')" : 'true',
  },
  optimizeDeps: {
    // Pre-bundled when the dev server starts, so the first page load never finds a new dependency
    // and reloads itself (every dependency the playground imports).
    include: [
      'vue',
      'pinia',
      'element-plus',
      'element-plus/es/locale/lang/en',
      'element-plus/es/locale/lang/zh-cn',
      '@element-plus/icons-vue',
      '@vueuse/core',
    ],
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Readable modules: the app's bundler minifies (and keeps the /* @__PURE__ */ marks it needs).
    minify: false,
    lib: {
      entry: libraryEntries,
      formats: ['es'],
    },
    rolldownOptions: {
      // Peers are the app's; Node's built-ins stay imports for an entry that runs in Node.
      external: (id) => isPeer(id) || id.startsWith('node:'),
      output: {
        preserveModules: true,
        preserveModulesRoot: 'src',
        // One file per module: bundlers drop the modules an app does not use.
        entryFileNames: '[name].js',
      },
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'happy-dom',
          typecheck: { enabled: true, checker: 'vue-tsc', include: ['tests/unit/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
}))
