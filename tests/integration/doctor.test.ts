import { afterAll, describe, expect, it } from 'vitest'
import type { CheckId } from '../../src/doctor/checkIds'
import { startMockServer } from '../../playground/server'
import { startContractServer } from '../support/contractServer'
import type { ContractServerOptions } from '../support/contractServer'
import { startExampleServer } from '../support/exampleServer'
import { failures, line, runDoctorJson } from '../support/doctor'

// The doctor against real servers on 127.0.0.1, with short windows: 2 s of listening, 0.7 s for each
// later connection. Every run is independent, so they run side by side.

const fast = ['--listen', '2s', '--replay-wait', '700ms']

/** A running backend and the doctor arguments that reach it (credentials, trigger). */
interface Backend {
  url: string
  args: string[]
  close(): Promise<void>
}

const running: Backend[] = []
afterAll(async () => {
  await Promise.all(running.map((backend) => backend.close()))
})

async function playground(extra: string[] = []): Promise<Backend> {
  // Ids from the time and pings every 300 ms, as a real deployment would (the dev server does the same).
  const server = await startMockServer({ heartbeatMs: 300, firstId: Date.now() * 1000 })
  const token = server.backend.tokens.issue('doctor')
  return { url: server.sseUrl, args: ['--token', token, '--trigger', `${server.url}/api/scada`, ...extra], close: () => server.close() }
}

/**
 * The docs' minimal server (examples/server/server.mjs), run as the docs say, as alice; the trigger is
 * its `POST /api/push`.
 */
async function exampleServer(credentials: string[], extra: string[] = []): Promise<Backend> {
  const server = await startExampleServer()
  const trigger = server.pushCommand('alice-token', '4', { alarmId: 'doctor', title: 'Sent for the doctor' })
  return { url: `${server.origin}/api/sse`, args: [...credentials, '--trigger', trigger, ...extra], close: () => server.stop() }
}

const origin = 'http://admin.example'

/**
 * A contract server; in `extra`, `--trigger` stands for its send URL and `--trigger-command` for a shell
 * command that POSTs to it.
 */
async function contract(options: ContractServerOptions, extra: string[] = ['--trigger']): Promise<Backend> {
  const server = await startContractServer(options)
  const command = `"${process.execPath}" -e "fetch('${server.sendUrl}', { method: 'POST' }).then((r) => process.exit(r.ok ? 0 : 1))"`
  const expand = (arg: string): string[] =>
    arg === '--trigger' ? ['--trigger', server.sendUrl] : arg === '--trigger-command' ? ['--trigger', command] : [arg]
  return { url: server.sseUrl, args: ['--token', server.token, ...extra.flatMap(expand)], close: () => server.close() }
}

async function start(backend: Promise<Backend>): Promise<Backend> {
  const started = await backend
  running.push(started)
  return started
}

/**
 * Lines a run may leave unchecked when the backend sends no message in the window and has no trigger
 * (a server whose only traffic is `retry:` and pings every 15 s).
 */
const quietServerSkips: CheckId[] = ['ids', 'id-order', 'event-data', 'buffering', 'resume-header', 'resume-query', 'fresh']

/** A server whose heartbeats are further apart than the run listens: the line says to listen longer. */
const heartbeatUnseen: CheckId[] = ['heartbeat']

/**
 * Backends that keep the contract: the doctor must find nothing to fail, nor to warn about. One line
 * each; the third element names the lines that may be skipped beyond those needing an option the run
 * does not give, the fourth the lines that may warn.
 */
const mustPass: Array<[name: string, start: () => Promise<Backend>, mayAlsoSkip?: CheckId[], mayWarn?: CheckId[]]> = [
  ['the playground backend (playground/server)', () => playground()],
  ['the playground backend, streaming a POST with a body', () => playground(['--method', 'POST', '--body', '{"topics":["alarms"]}'])],
  ['the playground backend, with the token in the query (eventsource transport)', () => playground(['--token-param', 'token'])],
  ['a server that keeps every rule, with a trigger', () => contract({})],
  ['a server that keeps every rule, with a shell command as the trigger', () => contract({}, ['--trigger-command'])],
  ['a server that keeps every rule and sends on its own, without a trigger', () => contract({ tickMs: 250 }, [])],
  ['a server with 200 ms heartbeats, for an app with heartbeatTimeout: 1000', () => contract({}, ['--trigger', '--heartbeat-timeout', '1s'])],
  ['a server that allows the app\'s origin (CORS)', () => contract({ allowOrigin: origin }, ['--trigger', '--origin', origin])],
  ['a quiet server without a trigger (pings every 15 s)', () => contract({ heartbeatMs: 15_000 }, []), quietServerSkips, heartbeatUnseen],
  // Listened past its first heartbeat (every 15 s), so that the heartbeat line passes.
  ['the docs\' minimal server (examples/server/server.mjs)', () => exampleServer(['--token', 'alice-token'], ['--listen', '17s'])],
  ['the docs\' minimal server, with the token in the query (eventsource transport)', () => exampleServer(['--token', 'alice-token', '--token-param', 'token']), [], heartbeatUnseen],
  ['the docs\' minimal server, with the sse_token cookie of a cookie login', () => exampleServer(['--cookie', 'sse_token=alice-token']), [], heartbeatUnseen],
]

describe.concurrent('vue-sse-hub doctor passes', () => {
  it.for(mustPass)('%s', { timeout: 60_000 }, async ([, begin, mayAlsoSkip = [], mayWarn = []]) => {
    const backend = await start(begin())
    // A backend's own arguments come last: its --listen replaces the short one.
    const { code, report } = await runDoctorJson(backend.url, [...fast, ...backend.args])
    expect(failures(report)).toEqual([])
    expect(code).toBe(0)
    expect(report.ok).toBe(true)
    // Nothing left unchecked but what needs an option a run does not give.
    const optional: CheckId[] = [...mayAlsoSkip, ...(backend.args.includes('--origin') ? [] : (['cors', 'cors-preflight'] as const))]
    if (!backend.args.includes('--trigger')) optional.push('delivery')
    for (const skipped of report.checks.filter((c) => c.status === 'skip')) expect(optional).toContain(skipped.check)
    for (const warned of report.checks.filter((c) => c.status === 'warn')) expect(mayWarn, warned.evidence).toContain(warned.check)
  })
})

interface Broken {
  name: string
  server: ContractServerOptions
  /** The line that must fail, and its message. */
  check: CheckId
  message: string
  /** Other lines that rightly fail with the same fault. */
  alsoFails?: CheckId[]
  /** More doctor arguments (a `--trigger` here replaces the server's send URL). */
  args?: string[]
  evidence?: RegExp
}

const broken: Broken[] = [
  { name: 'no Content-Type', server: { contentType: null }, check: 'content-type', message: 'contentType.missing' },
  { name: 'events without an id', server: { ids: 'none' }, check: 'ids', message: 'ids.missing' },
  {
    name: 'ids from a counter that starts at 1 on every connection',
    server: { ids: 'per-connection', tickMs: 200 },
    check: 'id-order',
    message: 'idOrder.reused',
    alsoFails: ['resume-header', 'resume-query'],
  },
  { name: 'the history replayed to a new connection without an id', server: { replayOnFresh: true }, check: 'fresh', message: 'fresh.history' },
  {
    name: 'a replay that starts with the given id',
    server: { replay: 'from' },
    check: 'resume-header',
    message: 'resume.includesGiven',
    alsoFails: ['resume-query'],
  },
  {
    name: 'no heartbeat',
    server: { heartbeatMs: 0 },
    check: 'heartbeat',
    message: 'heartbeat.tooQuiet',
    args: ['--heartbeat-timeout', '1s'],
  },
  { name: 'gzip on the stream', server: { gzip: true }, check: 'content-encoding', message: 'contentEncoding.compressed' },
  { name: 'a 200 login page instead of 401', server: { unauthorized: 'html-200' }, check: 'auth', message: 'auth.loginPage' },
  { name: 'a redirect to the login page instead of 401', server: { unauthorized: 'redirect' }, check: 'auth', message: 'auth.redirect' },
  { name: 'a stream open to anyone', server: { unauthorized: 'open' }, check: 'auth', message: 'auth.openWithout' },
  {
    name: 'ids that go down',
    server: { ids: 'countdown' },
    check: 'id-order',
    message: 'idOrder.backwards',
    // Resume judges "at or before" by the numbers.
    alsoFails: ['resume-header', 'resume-query'],
  },
  { name: 'data that is not JSON', server: { payload: 'text' }, check: 'event-data', message: 'data.invalid' },
  { name: 'JSON without a messageType', server: { payload: 'untyped' }, check: 'event-data', message: 'data.noType' },
  {
    name: 'CORS without Allow-Credentials, for a cookie login',
    server: { allowOrigin: origin, allowCredentials: false },
    check: 'cors',
    message: 'cors.noCredentials',
    alsoFails: ['cors-preflight'],
    args: ['--origin', origin, '--cookie', 'SESSION=1'],
  },
  {
    name: 'a trigger command that fails',
    server: {},
    check: 'delivery',
    message: 'delivery.triggerFailed',
    args: ['--trigger', 'echo "no such endpoint" >&2; exit 3'],
    evidence: /^the trigger failed: exit code 3: no such endpoint$/,
  },
  {
    name: 'no CORS headers for the app\'s origin',
    server: {},
    check: 'cors',
    message: 'cors.noAllowOrigin',
    alsoFails: ['cors-preflight'],
    args: ['--origin', origin],
  },
]

describe.concurrent('vue-sse-hub doctor fails, on the right line', () => {
  it.for(broken)('$name', async ({ server, check, message, alsoFails = [], args = [], evidence }) => {
    const backend = await start(contract(server, args.includes('--trigger') ? [] : ['--trigger']))
    const { code, report } = await runDoctorJson(backend.url, [...backend.args, ...fast, ...args])
    expect(line(report, check)).toMatchObject({ status: 'fail', message })
    if (evidence) expect(line(report, check).evidence).toMatch(evidence)
    expect(line(report, check).fix).toBeTruthy()
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.check).sort()).toEqual([check, ...alsoFails].sort())
    expect(code).toBe(1)
  })
})

interface Doubtful {
  name: string
  server: ContractServerOptions
  /** The line that must warn, and its message. */
  check: CheckId
  message: string
  alsoWarns?: CheckId[]
}

const doubtful: Doubtful[] = [
  { name: 'no Cache-Control', server: { cacheControl: null }, check: 'cache-control', message: 'cacheControl.missing' },
  { name: 'no X-Accel-Buffering', server: { accelBuffering: false }, check: 'x-accel-buffering', message: 'accel.missing' },
  { name: 'a messageType that is not built in', server: { messageType: 'x-report' }, check: 'event-data', message: 'data.unknown' },
  { name: 'retry: 50', server: { retryMs: 50 }, check: 'retry', message: 'retry.tooSmall' },
  { name: 'ids from a counter that starts at 1', server: { ids: 'small' }, check: 'id-order', message: 'idOrder.small' },
  {
    name: 'no replay after a reconnect',
    server: { replay: 'none' },
    check: 'resume-header',
    message: 'resume.noReplay',
    alsoWarns: ['resume-query'],
  },
  { name: 'a stream that the server ends after 1 s', server: { endAfterMs: 1000 }, check: 'cut', message: 'cut.cut' },
]

describe.concurrent('vue-sse-hub doctor warns, and still exits 0', () => {
  it.for(doubtful)('$name', async ({ server, check, message, alsoWarns = [] }) => {
    const backend = await start(contract(server))
    const { code, report } = await runDoctorJson(backend.url, [...backend.args, ...fast])
    expect(failures(report)).toEqual([])
    expect(line(report, check)).toMatchObject({ status: 'warn', message })
    expect(line(report, check).fix).toBeTruthy()
    expect(report.checks.filter((c) => c.status === 'warn').map((c) => c.check).sort()).toEqual([check, ...alsoWarns].sort())
    expect(code).toBe(0)
  })

  it('names a request timeout when the stream ends on the second while bytes still flow', async () => {
    const backend = await start(contract({ endAfterMs: 1000 }))
    const { report } = await runDoctorJson(backend.url, [...backend.args, ...fast])
    expect(line(report, 'cut').values, JSON.stringify(line(report, 'cut'))).toMatchObject({ cause: 'total', dropped: false })
    // About 1 s: the server's timer and the doctor's reads each run a little early or late.
    expect(line(report, 'cut').evidence).toMatch(/^the stream was ended after (9\d\d ms|1\.\d s), \d+ ms after the last byte; bytes were still flowing/)
  })
})
