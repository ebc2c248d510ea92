import { afterAll, afterEach, beforeAll } from 'vitest'
import { startMockServer } from '../../playground/server'
import type { MockServer, MockServerOptions } from '../../playground/server'

/**
 * One mock backend on 127.0.0.1 for the whole file: started before the first test, closed after the
 * last. After each test, `release` lets the test close its own clients, then every stream must be gone
 * from the server before the backend is reset, so no test sees the previous one's streams.
 *
 * Returns a view of the running server: its properties read through to the server of this file, so
 * they are usable inside hooks and tests only.
 */
export function useMockServer(options: MockServerOptions, release: () => void): MockServer {
  let running: MockServer | undefined
  const current = (): MockServer => {
    if (!running) throw new Error('The mock server is only available inside tests and hooks')
    return running
  }

  beforeAll(async () => {
    running = await startMockServer(options)
  })
  afterAll(async () => {
    await running?.close()
    running = undefined
  })
  afterEach(async () => {
    release()
    const { backend } = current()
    await backend.waitFor(() => backend.openConnections === 0, 2000, 'streams to close')
    backend.reset()
  })

  return {
    get url() {
      return current().url
    },
    get sseUrl() {
      return current().sseUrl
    },
    get port() {
      return current().port
    },
    get backend() {
      return current().backend
    },
    close: () => current().close(),
  }
}
