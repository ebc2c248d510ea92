import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockServer } from '../../playground/server'
import type { MockServer } from '../../playground/server'
import { fastReconnect, recordingClient, sleep } from '../support/client'
import type { RecordingClient } from '../support/client'
import { docsSseLocation, startNginx } from '../support/nginx'
import type { Nginx } from '../support/nginx'

let server: MockServer
let nginx: Nginx | undefined
let proxyUrl: string

beforeAll(async () => {
  server = await startMockServer({ heartbeatMs: 0, retryMs: null })
  nginx = await startNginx(
    (listen) => `
  server {
    listen ${listen};
    ${docsSseLocation(`http://127.0.0.1:${server.port}`, '2s')}
    location / {
      proxy_pass http://127.0.0.1:${server.port};
    }
  }`,
  )
  proxyUrl = `${nginx.url}/api/sse`
})

afterAll(async () => {
  await nginx?.close()
  await server?.close()
})

function client(user: string): RecordingClient {
  const token = server.backend.tokens.issue(user)
  return recordingClient({ url: proxyUrl, token, reconnect: fastReconnect, heartbeatTimeout: 0 })
}

describe('behind nginx (proxy_read_timeout 2s)', () => {
  it('1 s heartbeats keep the stream up: no reconnect in 5 s', async () => {
    server.backend.setHeartbeat(1000)
    const c = client('nginx-alive')
    try {
      c.connection.open()
      await c.untilStatus('open')
      for (let i = 0; i < 5; i++) {
        server.backend.send('nginx-alive', '3', { n: i })
        await sleep(1000)
      }
      await c.until(() => c.payloads.length === 5)
      expect(c.errors).toEqual([])
      expect(c.connection.state.reconnects).toBe(0)
      expect(server.backend.requests.filter((r) => r.user === 'nginx-alive')).toHaveLength(1)
    } finally {
      c.connection.close()
      server.backend.setHeartbeat(0)
    }
  })

  it('without heartbeats nginx cuts the stream; the client resumes from the last id and loses nothing', async () => {
    server.backend.setHeartbeat(0)
    const c = client('nginx-cut')
    try {
      c.connection.open()
      await c.untilStatus('open')
      const firstId = server.backend.send('nginx-cut', '3', { n: 0 })
      await c.until(() => c.payloads.length === 1)
      // Idle for longer than proxy_read_timeout: nginx ends the response.
      await c.until(() => c.errors.length > 0, 5000, 'nginx to cut the idle stream')
      // nginx drops the upstream mid-chunk: the body ends without its terminating chunk.
      expect(['network', 'stream-ended']).toContain(c.errors[0].kind)
      server.backend.send('nginx-cut', '3', { n: 1 })
      await c.until(() => c.payloads.length === 2, 3000)
      const requests = server.backend.requests.filter((r) => r.user === 'nginx-cut')
      expect(requests.length).toBeGreaterThanOrEqual(2)
      expect(requests[1].lastEventId).toBe(firstId)
      expect(c.payloads).toEqual([{ n: 0 }, { n: 1 }])
    } finally {
      c.connection.close()
    }
  })
})
