import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'
import type { PluginOption, ViteDevServer } from 'vite'
import type { MockBackend } from '../../playground/server/backend.ts'
import { mockBackendPluginName } from '../../playground/server/vitePlugin.ts'
import type { MockBackendPlugin } from '../../playground/server/vitePlugin.ts'
import { freePort } from './freePort'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The playground served by Vite, with the mock backend it mounts. */
export interface Playground {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** The mock backend behind `/api`: the server's view of every stream. */
  backend: MockBackend
  server: ViteDevServer
  close(): Promise<void>
}

/**
 * Starts the playground exactly as `npm run dev` does (the repository's vite.config.ts, plus
 * `extraPlugins`), on 127.0.0.1 and a free port, without file watching: edits elsewhere in the tree
 * must not reload the page under test.
 */
export async function startPlayground(extraPlugins: PluginOption[] = []): Promise<Playground> {
  const port = await freePort()
  const server = await createServer({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    root,
    mode: 'development',
    // Added to the config's own (e.g. the Vue Devtools overlay, for the Devtools test).
    plugins: extraPlugins,
    logLevel: 'warn',
    clearScreen: false,
    // Its own cache: a developer's `npm run dev` may be optimising the shared one right now.
    cacheDir: fileURLToPath(new URL('../../node_modules/.vite-e2e', import.meta.url)),
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
  })
  await server.listen()
  const plugin = server.config.plugins.find((p) => p.name === mockBackendPluginName) as MockBackendPlugin | undefined
  const backend = plugin?.api.backend
  if (!backend) {
    await server.close()
    throw new Error(`The Vite config does not mount the mock backend (plugin "${mockBackendPluginName}")`)
  }
  return {
    url: `http://127.0.0.1:${port}`,
    backend,
    server,
    async close() {
      backend.close()
      await server.close()
    },
  }
}
