import type { Plugin } from 'vite'
import { createMockBackend } from './backend.ts'
import type { MockBackend, MockBackendOptions } from './backend.ts'

/** What the plugin shares with other plugins and with tests (Vite's `api` convention). */
export interface MockBackendPluginApi {
  /** The backend mounted on the dev server; undefined until the server is configured. */
  readonly backend: MockBackend | undefined
}

/** The Vite plugin, with the backend it serves (tests read the server's view through it). */
export interface MockBackendPlugin extends Plugin {
  api: MockBackendPluginApi
}

/** Name of the plugin, to find it in a resolved config. */
export const mockBackendPluginName = 'vue-sse-hub:mock-backend'

/**
 * Mounts the mock SSE backend on Vite's dev server, so `npm run dev` starts the playground and its
 * backend with one command. The backend lives as long as the dev server.
 */
export function mockBackendPlugin(options: MockBackendOptions = {}): MockBackendPlugin {
  let backend: MockBackend | undefined
  return {
    name: mockBackendPluginName,
    apply: 'serve',
    api: {
      get backend() {
        return backend
      },
    },
    configureServer(server) {
      backend?.close()
      // The greeting lets the fault drills follow one another: each recovered stream starts a fresh backoff.
      const current = createMockBackend({ greeting: true, ...options })
      backend = current
      // Before Vite's own middlewares: /api/* never reaches the module graph.
      server.middlewares.use((req, res, next) => current.middleware(req, res, next))
      // Streams never end on their own; close them so the server can stop.
      server.httpServer?.once('close', () => current.close())
    },
  }
}
