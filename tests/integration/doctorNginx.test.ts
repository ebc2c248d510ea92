import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startContractServer } from '../support/contractServer'
import type { ContractServer } from '../support/contractServer'
import { failures, line, runDoctorJson } from '../support/doctor'
import { docsSseLocation, startNginx } from '../support/nginx'
import type { Nginx } from '../support/nginx'

// The doctor through a real nginx: the location of docs/backend.md (examples/nginx/sse.conf) as it
// stands, one that buffers, one whose read timeout cuts a silent stream.

let good: ContractServer
let buffered: ContractServer
let quiet: ContractServer
let nginx: Nginx | undefined

beforeAll(async () => {
  ;[good, buffered, quiet] = await Promise.all([
    startContractServer({}),
    // Without X-Accel-Buffering: no, which would turn nginx's buffering off for the response.
    startContractServer({ accelBuffering: false, tickMs: 100 }),
    startContractServer({ heartbeatMs: 0 }),
  ])
  nginx = await startNginx(
    (listen) => `
  server {
    listen ${listen};
    ${docsSseLocation(`http://127.0.0.1:${good.port}`)}
    # What a location that only proxies does: buffering on, HTTP/1.0 to the upstream. Small buffers,
    # so that they fill within seconds.
    location /buffered/ {
      proxy_pass http://127.0.0.1:${buffered.port}/;
      proxy_buffering on;
      proxy_buffer_size 1k;
      proxy_buffers 4 1k;
      proxy_busy_buffers_size 1k;
    }
    location /cut/ {
      proxy_pass http://127.0.0.1:${quiet.port}/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 2s;
    }
  }`,
  )
})

afterAll(async () => {
  await nginx?.close()
  await Promise.all([good, buffered, quiet].map((server) => server?.close()))
})

/** The doctor through `location`: the docs' own at /api/sse, or a prefix of the others. */
function doctor(location: '' | 'buffered' | 'cut', upstream: ContractServer, args: string[]): ReturnType<typeof runDoctorJson> {
  return runDoctorJson(`${nginx!.url}${location && `/${location}`}/api/sse`, ['--token', upstream.token, '--trigger', upstream.sendUrl, '--replay-wait', '700ms', ...args])
}

describe.concurrent('vue-sse-hub doctor behind nginx', () => {
  it('passes a location set up as docs/backend.md says', async () => {
    const { code, report } = await doctor('', good, ['--listen', '2s'])
    expect(failures(report)).toEqual([])
    expect(code).toBe(0)
    // nginx consumes X-Accel-Buffering: its absence proves nothing there.
    expect(line(report, 'x-accel-buffering')).toMatchObject({ status: 'skip', message: 'accel.behindNginx' })
    expect(line(report, 'buffering').status).toBe('pass')
  })

  it('reports buffering through a location with proxy_buffering on', async () => {
    const { code, report } = await doctor('buffered', buffered, ['--listen', '4s'])
    expect(line(report, 'buffering').status).toBe('fail')
    expect(['buffering.triggerLate', 'buffering.pingsTogether', 'buffering.lateAnswer']).toContain(line(report, 'buffering').message)
    expect(line(report, 'buffering').fix).toContain('proxy_buffering off')
    expect(code).toBe(1)
  })

  it('reports the cut of a silent stream and names the proxy read timeout as the likely cause', async () => {
    const { code, report } = await doctor('cut', quiet, ['--listen', '5s'])
    const cut = line(report, 'cut')
    expect(cut).toMatchObject({ status: 'fail', message: 'cut.cut', values: { cause: 'idle' } })
    expect(cut.values.silence).toBeGreaterThanOrEqual(1900)
    expect(cut.values.silence).toBeLessThan(3000)
    expect(cut.evidence).toContain('proxy_read_timeout')
    expect(cut.fix).toContain('heartbeats')
    expect(code).toBe(1)
  })

  it('says the cut matches the proxy timeout the command was given', async () => {
    const { report } = await doctor('cut', quiet, ['--listen', '5s', '--proxy-timeout', '2s'])
    expect(line(report, 'cut')).toMatchObject({ status: 'fail', values: { cause: 'proxy' } })
    expect(line(report, 'cut').evidence).toMatch(/matches a proxy read timeout of 2\.0 s/)
  })
})
