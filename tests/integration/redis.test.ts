import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPinia } from 'pinia'
import type { Browser } from 'playwright-core'
import { createClient } from 'redis'
import type { RedisClientType } from 'redis'
import { build } from 'vite'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ref } from 'vue'
import type { Ref } from 'vue'
import { createSseHub } from '../../src/hub'
import type { SseHub } from '../../src/hub'
import type { SseError } from '../../src/core/errors'
import { launchChromium } from '../support/chromium'
import { startChild } from '../support/childProcess'
import type { Child } from '../support/childProcess'
import { recordingClient, sleep } from '../support/client'
import type { RecordingClient } from '../support/client'
import { freePort } from '../support/freePort'
import { startNginx } from '../support/nginx'
import type { Nginx } from '../support/nginx'
import { startRedisServer } from '../support/redisServer'
import type { RedisServer } from '../support/redisServer'
import type { PageView } from '../e2e/pages/eventSource'
import { RESUME_CASES } from '../support/resumeCases'
import { follow, publish, replay, resumeAfter, startPoint } from '../../examples/redis/userEvents.mjs'

// The backend of examples/redis/ run as it is deployed: one real redis-server, two instances of the
// example (separate Node processes) and nginx in front of them, round-robin without stickiness.
// Everything the client does goes through nginx; messages are published straight to one instance
// or the other, as a job running on that machine would.

const MAIN = fileURLToPath(new URL('../../examples/redis/main.mjs', import.meta.url))
const PAGES = fileURLToPath(new URL('../e2e/pages/', import.meta.url))
const INTERNAL_TOKEN = 'internal-test-token'
/** Short heartbeats, so a client with a 1 s watchdog sees that each instance sends its own. */
const HEARTBEAT_MS = 300
/** The example's default `retry:`: the base of the fetch transport's reconnect delay. */
const RETRY_MS = 1000

interface Instance {
  name: string
  port: number
  url: string
  child: Child
}

let redis: RedisServer
let nginx: Nginx
let instances: Instance[] = []
let pageDir: string
let browser: Browser | undefined
let userSeq = 0

async function startInstance(name: string, port: number): Promise<Instance> {
  const env = {
    ...process.env,
    REDIS_URL: redis.url,
    HOST: '127.0.0.1',
    PORT: String(port),
    INSTANCE: name,
    INTERNAL_TOKEN,
    HEARTBEAT_MS: String(HEARTBEAT_MS),
    RETRY_MS: String(RETRY_MS),
  }
  const child = await startChild(process.execPath, [MAIN], /listening on/, { env })
  return { name, port, url: `http://127.0.0.1:${port}`, child }
}

/** The page of the eventsource browser tests, built once and served by nginx from the same origin as the API. */
async function buildPage(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sse-redis-page-'))
  await build({
    configFile: false,
    root: PAGES,
    logLevel: 'warn',
    mode: 'development',
    define: { __DEV__: 'true' },
    build: { outDir: dir, emptyOutDir: true, target: 'es2022', minify: false, reportCompressedSize: false, rolldownOptions: { input: join(PAGES, 'eventSource.html') } },
  })
  // nginx's workers run as another user when the master runs as root; mkdtemp makes the directory 0700.
  await chmod(dir, 0o755)
  return dir
}

beforeAll(async () => {
  ;[redis, pageDir] = await Promise.all([startRedisServer(), buildPage()])
  const ports = [await freePort(), await freePort()]
  instances = await Promise.all([startInstance('a', ports[0]), startInstance('b', ports[1])])
  nginx = await startNginx(
    (listen) => `
  types { text/html html; text/javascript js; }
  # Round-robin, no ip_hash or sticky cookie. max_fails=0: a refused connection sends the request to
  # the next instance every time, instead of benching the dead one for fail_timeout (10 s by default),
  # which would make each test depend on the one before.
  upstream backends {
    server 127.0.0.1:${ports[0]} max_fails=0;
    server 127.0.0.1:${ports[1]} max_fails=0;
  }
  server {
    listen ${listen};
    root ${pageDir};
    location /api/sse {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_cache off;
      gzip off;
      proxy_read_timeout 1h;
    }
    location /api/ {
      proxy_pass http://backends;
    }
  }`,
  )
}, 30_000)

afterAll(async () => {
  await browser?.close()
  await nginx?.close()
  await Promise.all(instances.map((instance) => instance.child.stop()))
  await redis?.close()
  if (pageDir) await rm(pageDir, { recursive: true, force: true })
})

const sseUrl = (): string => `${nginx.url}/api/sse`
const nextUser = (): string => `redis-user-${++userSeq}`

async function postJson(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  const json = (await response.json()) as Record<string, unknown>
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

/** Logs `user` in through nginx (so through either instance); the token works on both. */
async function login(user: string): Promise<string> {
  return String((await postJson(`${nginx.url}/api/login`, { username: user })).token)
}

/** Publishes through one instance, as a job on that machine would; resolves with the SSE id. */
async function publishVia(instance: Instance, user: string, messageType: string, messageData: unknown): Promise<string> {
  return String((await postJson(`${instance.url}/api/publish`, { user, messageType, messageData }, INTERNAL_TOKEN)).id)
}

/** Open streams of `user` per instance name. */
async function streamsOf(user: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const instance of instances) {
    if (instance.child.process.exitCode !== null || instance.child.process.signalCode !== null) continue
    const response = await fetch(`${instance.url}/api/health`, { headers: { Authorization: `Bearer ${INTERNAL_TOKEN}` } })
    const health = (await response.json()) as { streams: Record<string, number> }
    counts[instance.name] = health.streams[user] ?? 0
  }
  return counts
}

async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now()
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** The instance that holds `user`'s one open stream, and the other one. */
async function holderOf(user: string): Promise<{ holder: Instance; other: Instance }> {
  let counts: Record<string, number> = {}
  await waitFor(async () => {
    counts = await streamsOf(user)
    return Object.values(counts).reduce((sum, n) => sum + n, 0) === 1
  }, `one stream of ${user}`)
  const holder = instances.find((instance) => counts[instance.name] === 1)!
  return { holder, other: instances.find((instance) => instance !== holder)! }
}

/**
 * Publishes `3` messages `{ n }` through `via` every 20 ms until `stop()`; `sent` keeps their ids
 * and when each was sent.
 */
function publishLoop(via: () => Instance, user: string): { sent: Array<{ id: string; at: number }>; stop(): Promise<void> } {
  const sent: Array<{ id: string; at: number }> = []
  let running = true
  const done = (async () => {
    while (running) {
      const id = await publishVia(via(), user, '3', { n: sent.length })
      sent.push({ id, at: performance.now() })
      await sleep(20)
    }
  })()
  return {
    sent,
    async stop() {
      running = false
      await done
    },
  }
}

/**
 * Stops `instance` with `signal` (SIGKILL: no chance to close its streams), runs `during`, then starts
 * a new instance on the same port.
 */
async function stopped(instance: Instance, signal: NodeJS.Signals, during: () => Promise<void>): Promise<void> {
  await instance.child.stop(signal)
  try {
    await during()
  } finally {
    const index = instances.indexOf(instance)
    instances[index] = await startInstance(instance.name, instance.port)
  }
}

const REDIS_ID = /^\d+-\d+$/

describe('several instances behind nginx, events in Redis', () => {
  let hubs: SseHub[] = []
  let clients: RecordingClient[] = []
  afterEach(() => {
    for (const hub of hubs) hub.dispose()
    for (const client of clients) client.connection.close()
    hubs = []
    clients = []
  })

  function hubOf(token: string | null): { hub: SseHub; token: Ref<string | null>; errors: SseError[] } {
    const tokenRef = ref<string | null>(token)
    const errors: SseError[] = []
    const hub = createSseHub(
      { url: sseUrl(), token: tokenRef, share: false, notify: false, heartbeatTimeout: 1000, onError: (error) => errors.push(error) },
      { pinia: createPinia() },
    )
    hubs.push(hub)
    return { hub, token: tokenRef, errors }
  }

  it('a message published through either instance reaches each stream of the user once, whichever instance holds it', async () => {
    const user = nextUser()
    const token = await login(user)
    const { hub, errors } = hubOf(token)
    await waitFor(() => hub.store!.connection.status === 'open', 'the hub to open')
    // A second stream of the same user (another browser): round-robin puts it on the other instance.
    const raw = recordingClient({ url: sseUrl(), token, heartbeatTimeout: 1000 })
    clients.push(raw)
    raw.connection.open()
    await raw.untilStatus('open')
    await waitFor(async () => Object.values(await streamsOf(user)).join() === '1,1', 'one stream on each instance')

    const ids: string[] = []
    for (let i = 0; i < 10; i++) {
      const via = instances[i % 2]
      ids.push(await publishVia(via, user, '4', { alarmId: `alarm-${i}`, level: 'warning', title: `alarm ${i} via ${via.name}`, content: 'P-7' }))
    }
    await waitFor(() => hub.store!.alarms.length === 10 && raw.messages.length === 10, 'ten alarms on both streams')
    // Quiet for longer than the 1 s watchdog: each instance's heartbeats keep its stream up.
    await sleep(1500)

    expect(ids.every((id) => REDIS_ID.test(id))).toBe(true)
    const titles = ids.map((_, i) => `alarm ${i} via ${instances[i % 2].name}`)
    expect(hub.store!.alarms.map((alarm) => alarm.title).reverse()).toEqual(titles)
    expect(hub.store!.stats.received).toBe(10)
    expect(hub.store!.connection.lastEventId).toBe(ids[9])
    expect(raw.messages.map((message) => message.lastEventId)).toEqual(ids)
    expect(errors).toEqual([])
    expect(raw.errors).toEqual([])
    expect(hub.store!.stats.reconnects).toBe(0)
    expect(raw.connection.state.reconnects).toBe(0)
  })

  it('a fresh login gets no old history: what was sent before it stays on the server', async () => {
    const user = nextUser()
    const { hub, token } = hubOf(await login(user))
    await waitFor(() => hub.store!.connection.status === 'open', 'the hub to open')
    await publishVia(instances[0], user, '3', { n: 'seen before logout' })
    await waitFor(() => hub.store!.stats.received === 1, 'the first message')

    token.value = null
    await waitFor(async () => Object.values(await streamsOf(user)).every((n) => n === 0), 'the stream to close')
    for (let i = 0; i < 3; i++) await publishVia(instances[i % 2], user, '3', { n: `sent while logged out ${i}` })

    token.value = await login(user)
    await waitFor(() => hub.store!.connection.status === 'open', 'the hub to open again')
    const id = await publishVia(instances[1], user, '4', { alarmId: 'after-login', level: 'info', title: 'after login', content: '' })
    // Replay would come before anything live: once the new message is in, nothing older can follow.
    await waitFor(() => hub.store!.connection.lastEventId === id, 'the message sent after the login')
    expect(hub.store!.stats.received).toBe(1)
    expect(hub.store!.alarms.map((alarm) => alarm.title)).toEqual(['after login'])
    expect(hub.store!.connection.lastEventId).toBe(id)
  })

  it('a last id this history does not hold (another backend’s number, or ahead of the stream) starts live instead of waiting forever', async () => {
    const user = nextUser()
    const token = await login(user)
    for (const stale of ['1700000000000123', '99999999999999-0']) {
      const client = recordingClient({ url: sseUrl(), token, heartbeatTimeout: 1000 })
      clients.push(client)
      client.connection.setLastEventId(stale)
      client.connection.open()
      await client.untilStatus('open')
      const id = await publishVia(instances[0], user, '3', { stale })
      await client.until(() => client.messages.length === 1, 3000, `the live message after ${stale}`)
      expect(client.messages[0].lastEventId).toBe(id)
      client.connection.close()
    }
  })

  it('bad requests get a clear answer, and streams that leave early leave no Redis reader behind', async () => {
    const noToken = await fetch(sseUrl())
    expect([noToken.status, await noToken.json()]).toEqual([401, { detail: 'not logged in or token expired' }])
    const stale = await fetch(sseUrl(), { headers: { Authorization: 'Bearer no-such-token' } })
    expect(stale.status).toBe(401)
    await stale.body?.cancel()
    const badLogin = await fetch(`${nginx.url}/api/login`, { method: 'POST', body: '{"username":' })
    expect([badLogin.status, await badLogin.json()]).toEqual([400, { detail: 'body is not JSON' }])
    const noUser = await fetch(`${nginx.url}/api/login`, { method: 'POST', body: '{}' })
    expect(noUser.status).toBe(400)
    await noUser.body?.cancel()
    const outsider = await fetch(`${instances[0].url}/api/publish`, { method: 'POST', body: JSON.stringify({ user: 'x', messageType: '3' }) })
    expect([outsider.status, await outsider.json()]).toEqual([401, { detail: 'internal token required' }])

    // Clients that give up at every moment of the request: before, during and after the stream opens.
    const user = nextUser()
    const token = await login(user)
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const aborter = new AbortController()
        const response = fetch(sseUrl(), { headers: { Authorization: `Bearer ${token}` }, signal: aborter.signal })
        setTimeout(() => aborter.abort(), i % 10)
        await response.then((r) => r.body?.cancel()).catch(() => {})
      }),
    )
    const admin = createClient({ url: redis.url })
    await admin.connect()
    try {
      let blocked = 0
      await waitFor(async () => {
        blocked = (await admin.clientList()).filter((client) => client.cmd === 'xread').length
        return blocked === 0
      }, 'every blocked XREAD to end').catch(() => {
        throw new Error(`${blocked} Redis connections still wait in XREAD for clients that left`)
      })
      expect(await streamsOf(user)).toEqual({ a: 0, b: 0 })
    } finally {
      admin.destroy()
    }
  })

  it('the instance holding the stream is killed: the client resumes through nginx on the other one and gets everything sent meanwhile once, in order', async () => {
    const user = nextUser()
    // The library's own backoff, based on the server's `retry:`: the reconnect time users will see.
    const client = recordingClient({ url: sseUrl(), token: await login(user), heartbeatTimeout: 5000 })
    clients.push(client)
    client.connection.open()
    await client.untilStatus('open')
    const { holder, other } = await holderOf(user)
    const loop = publishLoop(() => other, user)
    let killedAt = 0
    let reopenedAt = 0
    try {
      await client.until(() => client.messages.length >= 5, 5000, 'the first messages')
      await stopped(holder, 'SIGKILL', async () => {
        killedAt = performance.now()
        await client.until(() => client.connection.state.reconnects === 1 && client.connection.state.status === 'open', 10_000, 'the reconnect')
        reopenedAt = performance.now()
        const sentSoFar = loop.sent.length
        await client.until(() => loop.sent.length >= sentSoFar + 5, 5000, 'more messages after the reconnect')
      })
    } finally {
      await loop.stop()
    }
    await client.until(() => client.messages.length >= loop.sent.length, 5000, 'every message')
    await sleep(100)

    const reconnectMs = Math.round(reopenedAt - killedAt)
    const meanwhile = loop.sent.filter(({ at }) => at > killedAt && at < reopenedAt).length
    console.log(
      `[redis] fetch transport: SIGKILL of instance ${holder.name} -> stream open on ${other.name} through nginx in ${reconnectMs} ms; ` +
        `${meanwhile} messages sent meanwhile, ${loop.sent.length} in all, each received once, in order`,
    )
    // Exactly once on the wire (no client-side dedupe at this level), in order, nothing missing.
    expect(client.messages.map((message) => message.lastEventId)).toEqual(loop.sent.map(({ id }) => id))
    expect(client.payloads).toEqual(loop.sent.map((_, n) => ({ n })))
    expect(meanwhile).toBeGreaterThan(0)
    expect(client.errors.map((error) => error.kind)).toSatisfy((kinds: string[]) => kinds.length === 1 && ['network', 'stream-ended'].includes(kinds[0]))
    // retry: 1000 means a first wait of 0.5-1 s; the rest is nginx trying the dead instance and the other.
    expect(reconnectMs).toBeLessThan(2 * RETRY_MS + 1000)
    expect(await streamsOf(user)).toMatchObject({ [other.name]: 1 })
  })

  it('an instance stopped for a deploy (SIGTERM) ends its streams at once: the client resumes on the other one', async () => {
    const user = nextUser()
    const client = recordingClient({ url: sseUrl(), token: await login(user), heartbeatTimeout: 5000 })
    clients.push(client)
    client.connection.open()
    await client.untilStatus('open')
    const { holder, other } = await holderOf(user)
    const first = await publishVia(other, user, '3', { n: 0 })
    await client.until(() => client.messages.length === 1)
    let reopenedMs = 0
    const signalledAt = performance.now()
    await stopped(holder, 'SIGTERM', async () => {
      const during = await publishVia(other, user, '3', { n: 1 })
      await client.until(() => client.connection.state.reconnects === 1 && client.connection.state.status === 'open', 5000, 'the reconnect')
      reopenedMs = Math.round(performance.now() - signalledAt)
      await client.until(() => client.messages.length === 2)
      expect(client.messages.map((message) => message.lastEventId)).toEqual([first, during])
    })
    console.log(`[redis] SIGTERM of instance ${holder.name}: stream open again on ${other.name} ${reopenedMs} ms later`)
    expect(holder.child.output()).toMatch(/SIGTERM: closing 1 streams/)
    expect(holder.child.process.exitCode).toBe(0)
    // One reconnect delay (retry: 1000, jittered), not a wait for the stream to end by itself (it never
    // does) until the instance is killed (here after 2 s, under an orchestrator often after 30 s).
    expect(reopenedMs).toBeLessThan(RETRY_MS + 1000)
  })

  it('Redis going away ends the open streams and answers new ones 503 at once; once it is back, streams open again', async () => {
    const client = recordingClient({ url: sseUrl(), token: await login(nextUser()), heartbeatTimeout: 5000, reconnect: { initialDelay: 200, maxDelay: 400 } })
    clients.push(client)
    client.connection.open()
    await client.untilStatus('open')

    const port = redis.port
    const stoppedAt = performance.now()
    await redis.close()
    await client.until(() => client.errors.length > 0, 3000, 'the stream to end')
    const endedMs = Math.round(performance.now() - stoppedAt)
    const refusedAt = performance.now()
    const refused = await fetch(sseUrl(), { headers: { Authorization: 'Bearer any' } })
    const refusedMs = Math.round(performance.now() - refusedAt)
    expect([refused.status, refused.headers.get('retry-after'), await refused.json()]).toEqual([503, '2', { detail: 'service unavailable' }])
    // Backs off instead of hammering: a handful of attempts while Redis is down, none of them opens.
    await sleep(1000)
    expect(client.connection.state.status).not.toBe('open')

    redis = await startRedisServer(port)
    // Redis came back empty (no persistence here): the old token is gone, a new login works.
    const user = nextUser()
    let token = ''
    await waitFor(async () => {
      token = await login(user).catch(() => '')
      return token !== ''
    }, 'logins to work again')
    const back = recordingClient({ url: sseUrl(), token, heartbeatTimeout: 5000 })
    clients.push(back)
    back.connection.open()
    await back.untilStatus('open')
    const id = await publishVia(instances[1], user, '3', { back: true })
    await back.until(() => back.messages.length === 1)
    expect(back.messages[0].lastEventId).toBe(id)
    console.log(`[redis] Redis stopped: the open stream ended after ${endedMs} ms, a new stream request was refused (503) in ${refusedMs} ms`)
    expect(['network', 'stream-ended']).toContain(client.errors[0].kind)
    expect(refusedMs).toBeLessThan(1000)
  })

  it('in Chromium with EventSource: the holder is killed, the page resumes with the Redis id as `lastEventId`, every alarm once, in order', async () => {
    browser = await launchChromium()
    const context = await browser.newContext()
    const pageErrors: string[] = []
    try {
      const page = await context.newPage()
      page.on('pageerror', (error) => pageErrors.push(error.message))
      page.on('console', (message) => {
        // Chromium logs every failed EventSource request itself; the app's own errors are what count.
        if (message.type() === 'error' && !/Failed to load resource|EventSource's response has a|net::ERR_/.test(message.text())) pageErrors.push(message.text())
      })
      const view = (): Promise<PageView> => page.evaluate(() => window.__es.view())
      const waitForView = async (predicate: (v: PageView) => boolean, what: string, timeoutMs = 5000): Promise<PageView> => {
        let current = await view()
        await waitFor(async () => predicate((current = await view())), what, timeoutMs)
        return current
      }

      await page.goto(`${nginx.url}/eventSource.html`)
      await page.waitForFunction(() => typeof window.__es === 'object', undefined, { timeout: 5000 }).catch((error: unknown) => {
        throw new Error(`The page did not start: ${String(error)}; page errors: ${pageErrors.join(' | ')}`)
      })
      // The page's transport is the browser's EventSource: token and last id travel as query parameters.
      await page.evaluate(() => window.__es.start({ url: '/api/sse' }))
      const user = nextUser()
      await page.evaluate((token) => window.__es.login(token), await login(user))
      await waitForView((v) => v.status === 'open', 'the stream to open')
      const { holder, other } = await holderOf(user)

      const ids: string[] = []
      const titles: string[] = []
      let running = true
      const loop = (async () => {
        while (running) {
          const title = `alarm ${titles.length}`
          titles.push(title)
          ids.push(await publishVia(other, user, '4', { alarmId: `browser-${titles.length}`, level: 'warning', title, content: 'P-7' }))
          await sleep(25)
        }
      })()
      let killedAt = 0
      let reopenedAt = 0
      try {
        await waitForView((v) => v.alarms.length >= 4, 'the first alarms')
        await stopped(holder, 'SIGKILL', async () => {
          killedAt = performance.now()
          await waitForView((v) => v.status === 'open' && v.sources.length === 2, 'the page to reconnect', 10_000)
          reopenedAt = performance.now()
          const sentSoFar = ids.length
          await waitFor(() => ids.length >= sentSoFar + 4, 'more alarms after the reconnect')
        })
      } finally {
        running = false
        await loop
      }
      const done = await waitForView((v) => v.alarms.length >= ids.length, 'every alarm')
      const reconnectMs = Math.round(reopenedAt - killedAt)
      console.log(`[redis] Chromium EventSource: SIGKILL of instance ${holder.name} -> stream open on ${other.name} in ${reconnectMs} ms; ${ids.length} alarms, each shown once, in order`)

      expect(done.alarms).toEqual(titles)
      expect(done.received).toBe(ids.length)
      expect(done.lastEventId).toBe(ids.at(-1))
      const resumedFrom = new URL(done.sources[1].url).searchParams.get('lastEventId')
      expect(resumedFrom).toMatch(REDIS_ID)
      expect(ids).toContain(resumedFrom)
      expect(done.sources.map((source) => source.readyState)).toEqual([2, 1])
      // The page's backoff starts at 300 ms (jittered down to 150 ms).
      expect(reconnectMs).toBeLessThan(2000)
      expect(pageErrors).toEqual([])
    } finally {
      await context.close()
    }
  })
})

describe('examples/redis/userEvents.mjs against the same redis-server', () => {
  let client: RedisClientType
  let reader: RedisClientType
  beforeAll(async () => {
    client = createClient({ url: redis.url })
    reader = client.duplicate()
    await Promise.all([client.connect(), reader.connect()])
  })
  afterAll(() => {
    client?.destroy()
    reader?.destroy()
  })

  async function collect(events: AsyncGenerator<{ id: string; data: string }>, count: number): Promise<string[]> {
    const ids: string[] = []
    const timeout = sleep(2000).then(() => 'timeout' as const)
    while (ids.length < count) {
      const next = await Promise.race([events.next(), timeout])
      if (next === 'timeout' || next.done) break
      ids.push(next.value.id)
    }
    return ids
  }

  it('an entry added between the end of the replay and the first live read is delivered, and nothing twice', async () => {
    const user = nextUser()
    const before = [await publish(client, user, '3', { n: 0 }), await publish(client, user, '3', { n: 1 }), await publish(client, user, '3', { n: 2 })]
    const replayed: string[] = []
    for await (const event of replay(client, user, before[0], 2)) replayed.push(event.id)
    expect(replayed).toEqual(before.slice(1))
    // Added after the replay ended, before the live read started: the gap `XREAD ... $` would leave.
    const between = await publish(client, user, '3', { n: 3 })
    const live = follow(reader, user, replayed.at(-1)!)
    const first = collect(live, 2)
    const after = await publish(client, user, '3', { n: 4 })
    expect(await first).toEqual([between, after])
    await live.return(undefined)
  })

  it('a client away longer than MAXLEN reaches is told the history was trimmed; one within reach is not', async () => {
    const user = nextUser()
    const ids: string[] = []
    // MAXLEN ~ trims whole blocks (100 entries each by default), so send enough to drop one.
    for (let i = 0; i < 250; i++) ids.push(await publish(client, user, '3', { n: i }, { maxLen: 10 }))
    expect(await startPoint(client, user, ids[0])).toEqual({ after: ids[0], trimmed: true })
    expect(await startPoint(client, user, ids[248])).toEqual({ after: ids[248], trimmed: false })
    expect(await startPoint(client, user, '')).toEqual({ after: ids[249], trimmed: false })
    expect(await startPoint(client, nextUser(), '')).toEqual({ after: '0-0', trimmed: false })
  })

  it('resumeAfter keeps a known stream id and turns anything else into "live only"', () => {
    for (const [lastEventId, newest, expected] of RESUME_CASES) expect(resumeAfter(lastEventId, newest), `${lastEventId} / ${newest}`).toBe(expected)
  })
})
