import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startChild } from './childProcess'
import { freePort } from './freePort'

/** Debian's redis-server; CI installs it (`.ci/run`), the tests fail (never skip) without it. */
export const REDIS_SERVER_PATH = '/usr/bin/redis-server'

export interface RedisServer {
  /** e.g. `redis://127.0.0.1:41234` */
  url: string
  port: number
  output(): string
  close(): Promise<void>
}

/**
 * A throwaway redis-server: loopback only, a free port (or `port`, to restart one in place), nothing
 * written to disk.
 */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER_PATH)) {
    throw new Error(`redis-server is required for this test and was not found at ${REDIS_SERVER_PATH}: apt-get install -y redis-server`)
  }
  port ??= await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sse-redis-'))
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir]
  const child = await startChild(REDIS_SERVER_PATH, args, /Ready to accept connections/).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw error
  })
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    output: child.output,
    async close() {
      await child.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
