import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createMockBackend } from './backend.ts'
import type { MockBackend, MockBackendOptions } from './backend.ts'

export interface MockServerOptions extends MockBackendOptions {
  /**
   * Port on 127.0.0.1; 0 picks a free one.
   * @default 0
   */
  port?: number
}

/** A running standalone mock backend. */
export interface MockServer {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** The stream endpoint, e.g. `http://127.0.0.1:41234/api/sse`. */
  sseUrl: string
  port: number
  backend: MockBackend
  /** Destroys every stream and stops listening. */
  close(): Promise<void>
}

/** Serves the mock backend on 127.0.0.1 (only). */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const backend = createMockBackend(options)
  const server = createServer((req, res) => backend.middleware(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const basePath = (options.basePath ?? '/api').replace(/\/$/, '')
  return {
    url,
    sseUrl: `${url}${basePath}/sse`,
    port,
    backend,
    close() {
      backend.close()
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
