import { describe, expect, it } from 'vitest'
import { parseDoctorArgs, parseDuration } from '../../src/doctor/args'
import type { DoctorOptions } from '../../src/doctor/options'
import { preflightHeaderNames, preflightRequest, streamRequest } from '../../src/doctor/request'

function options(argv: string[]): DoctorOptions {
  const command = parseDoctorArgs(['doctor', 'http://api.example/sse', ...argv])
  if (command.kind !== 'run') throw new Error('expected a run')
  return command.options
}

describe('doctor command line', () => {
  it('reads durations as people write them', () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('2m')).toBe(120_000)
    expect(parseDuration('45')).toBe(45_000)
    expect(parseDuration('soon')).toBeNull()
  })

  it('defaults to a window longer than nginx’s 60 s read timeout, and the client’s 45 s heartbeatTimeout', () => {
    expect(options([])).toMatchObject({ listenMs: 75_000, heartbeatTimeoutMs: 45_000, proxyTimeoutMs: 60_000, method: 'GET', lang: 'en', json: false })
  })

  it('keeps every --header, and the value after the first colon whole', () => {
    expect(options(['--header', 'X-Tenant: 7', '--header', 'X-Trace: a:b']).headers).toEqual([
      ['X-Tenant', '7'],
      ['X-Trace', 'a:b'],
    ])
  })
})

describe('doctor requests', () => {
  it('asks for the stream as the fetch transport does, and accepts compression as a browser does', () => {
    const request = streamRequest(options(['--token', 't0k', '--cookie', 'S=1', '--header', 'X-Tenant: 7']), { resume: { id: '42', via: 'header' } })
    expect(request.headers).toMatchObject({
      Accept: 'text/event-stream',
      'Cache-Control': 'no-cache',
      'Accept-Encoding': 'gzip, deflate, br',
      Authorization: 'Bearer t0k',
      Cookie: 'S=1',
      'X-Tenant': '7',
      'Last-Event-ID': '42',
    })
  })

  it('leaves out every credential for the request without them', () => {
    const request = streamRequest(options(['--token', 't0k', '--cookie', 'S=1', '--header', 'X-Tenant: 7', '--token-param', 'token']), {
      anonymous: true,
    })
    expect(request.headers).not.toHaveProperty('Authorization')
    expect(request.headers).not.toHaveProperty('Cookie')
    expect(request.headers).not.toHaveProperty('X-Tenant')
    expect(request.url.searchParams.has('token')).toBe(false)
  })

  it('puts the token and the last id in the query for the eventsource transport', () => {
    const request = streamRequest(options(['--token', 't0k', '--token-param', 'token', '--last-event-id-param', 'since']), {
      resume: { id: '42', via: 'query' },
    })
    expect(request.url.search).toBe('?token=t0k&since=42')
    expect(request.headers).not.toHaveProperty('Authorization')
    expect(request.headers).not.toHaveProperty('Last-Event-ID')
  })

  it('sends a JSON body as application/json', () => {
    const request = streamRequest(options(['--method', 'post', '--body', '{"a":1}']))
    expect(request).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } })
  })

  it('preflights the headers a browser cannot send cross-origin without asking', () => {
    const cross = options(['--origin', 'https://admin.example', '--token', 't', '--header', 'X-Tenant: 7'])
    expect(preflightHeaderNames(cross)).toEqual(['authorization', 'cache-control', 'last-event-id', 'x-tenant'])
    expect(preflightRequest(cross)).toMatchObject({
      method: 'OPTIONS',
      headers: { Origin: 'https://admin.example', 'Access-Control-Request-Method': 'GET' },
    })
  })
})
