// `npm run bench [name...]`: runs bench/*.bench.ts through Vite's SSR loader, so benchmarks import the
// TypeScript sources as the tests do (Node 20 cannot run .ts by itself).
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { createServer } from 'vite'

const server = await createServer({
  // Not the project's vite.config.ts: that one mounts the playground's mock backend on dev servers.
  configFile: false,
  root: fileURLToPath(new URL('..', import.meta.url)),
  plugins: [vue()],
  appType: 'custom',
  logLevel: 'warn',
  // Measure what ships: development-only checks off.
  define: { __DEV__: 'false' },
  server: { middlewareMode: true, hmr: false, watch: null, ws: false },
})
const args = process.argv.slice(2)
// Read by bench/settings.ts when the modules load.
if (args.includes('--quick')) process.env.BENCH_QUICK = '1'
let ok = false
try {
  const { runBenchmarks } = await server.ssrLoadModule('/bench/runner.ts')
  ok = await runBenchmarks((path) => server.ssrLoadModule(path), args.filter((arg) => arg !== '--quick'))
} finally {
  await server.close()
}
// A missed target fails the command, so it can gate a release.
process.exitCode = ok ? 0 : 1
