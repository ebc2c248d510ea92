import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

/**
 * A port on 127.0.0.1 that was free a moment ago, for a process that must be told its port up front
 * (nginx, redis-server, a backend that a proxy's config names).
 */
export async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', resolve)
  })
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}
