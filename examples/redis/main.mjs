// @ts-check
// One instance of the Redis-backed SSE backend. Start as many as you like behind a proxy, e.g.:
//   REDIS_URL=redis://127.0.0.1:6379 PORT=8081 INSTANCE=a INTERNAL_TOKEN=change-me node examples/redis/main.mjs
//   REDIS_URL=redis://127.0.0.1:6379 PORT=8082 INSTANCE=b INTERNAL_TOKEN=change-me node examples/redis/main.mjs
import { createServer } from 'node:http'
import { hostname } from 'node:os'
import { createClient } from 'redis'
import { createBackend } from './backend.mjs'
import { DEFAULT_MAX_LEN, DEFAULT_RETENTION_SECONDS } from './userEvents.mjs'

const env = process.env
const config = {
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  host: env.HOST ?? '127.0.0.1',
  port: Number(env.PORT ?? 8080),
  instance: env.INSTANCE ?? `${hostname()}:${env.PORT ?? 8080}`,
  heartbeatMs: Number(env.HEARTBEAT_MS ?? 15_000),
  retryMs: Number(env.RETRY_MS ?? 1000),
  internalToken: env.INTERNAL_TOKEN ?? '',
  limits: { maxLen: Number(env.MAX_LEN ?? DEFAULT_MAX_LEN), retentionSeconds: Number(env.RETENTION_SECONDS ?? DEFAULT_RETENTION_SECONDS) },
}

/** @param {string} message */
const log = (message) => console.log(`[${config.instance}] ${message}`)

// While Redis is unreachable, commands fail at once (and requests with 503) instead of queueing.
const redis = createClient({ url: config.redisUrl, disableOfflineQueue: true })
redis.on('error', (error) => log(`redis: ${error instanceof Error ? error.message : String(error)}`))
await redis.connect()

const backend = createBackend({ ...config, redis: /** @type {import('redis').RedisClientType} */ (redis), log })
const server = createServer(backend.handle)
server.listen(config.port, config.host, () => log(`listening on http://${config.host}:${config.port}`))

// A deploy stops instances with SIGTERM. Streams never end by themselves, so a shutdown that waits
// for open requests would wait until the instance is killed: end them now (each client resumes at
// once, through the proxy, on an instance that stays) and let other requests finish.
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.once(signal, () => {
    log(`${signal}: closing ${backend.openStreams} streams`)
    server.close(() => redis.close().finally(() => process.exit(0)))
    backend.endStreams()
    server.closeIdleConnections()
  })
}
