import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startContractServer } from '../support/contractServer'
import type { ContractServer } from '../support/contractServer'
import { runDoctorCli } from '../support/doctor'

// The command as a user meets it: the readable report in English and Chinese, the exit codes, the
// progress on stderr, the help, and the sample report that README.md shows.

const samplePath = fileURLToPath(new URL('../../examples/doctor/sample-report.txt', import.meta.url))
const readmePath = fileURLToPath(new URL('../../README.md', import.meta.url))
/**
 * `DOCTOR_SAMPLE_LISTEN=75s npx vitest run tests/integration/doctorCli.test.ts` writes the sample anew
 * from a run of that length; otherwise the test compares a short run with it.
 */
const sampleListen = process.env.DOCTOR_SAMPLE_LISTEN

/** The backend of the sample: gzip on, no X-Accel-Buffering, a login page for 401, an off-by-one replay. */
let flawed: ContractServer

beforeAll(async () => {
  flawed = await startContractServer({ gzip: true, accelBuffering: false, unauthorized: 'html-200', replay: 'from', heartbeatMs: 1000 })
})
afterAll(async () => {
  await flawed?.close()
})

function args(extra: string[]): string[] {
  return ['doctor', flawed.sseUrl, '--token', flawed.token, '--trigger', flawed.sendUrl, ...extra]
}

/** The report with what changes from run to run made alike: the address, times, ids, counts. */
function normalise(report: string, url: string): string {
  return report
    .replaceAll(url, '<url>')
    .replace(/\d+(\.\d+)? (ms|s)\b/g, '<time>')
    .replace(/\d{6,}/g, '<id>')
    .replace(/\b\d+\b/g, '<n>')
    .replace(/<n> ([a-z]+)s\b/g, '<n> $1')
}

describe('vue-sse-hub doctor, the readable report', () => {
  it('is the sample in README.md (examples/doctor/sample-report.txt), times and ids aside', async () => {
    // The sample is written with the defaults but --listen; the check runs in seconds.
    const run = await runDoctorCli(args(sampleListen !== undefined ? ['--listen', sampleListen] : ['--listen', '2s', '--replay-wait', '700ms']))
    expect(run.code).toBe(1)
    const shown = 'http://127.0.0.1:8080/api/sse'
    if (sampleListen !== undefined) {
      await writeFile(samplePath, run.stdout.replaceAll(flawed.sseUrl, shown).replaceAll(flawed.sendUrl, 'http://127.0.0.1:8080/api/send'))
    }
    const sample = await readFile(samplePath, 'utf8')
    expect(normalise(run.stdout, flawed.sseUrl)).toBe(normalise(sample, shown))
    expect(await readFile(readmePath, 'utf8')).toContain(`<!-- example: examples/doctor/sample-report.txt -->\n\`\`\`text\n${sample}\`\`\`\n`)
  }, 120_000)

  it('gives each failure its fix, and the exit code 1', async () => {
    const run = await runDoctorCli(args(['--listen', '1s', '--replay-wait', '300ms']))
    const lines = run.stdout.split('\n')
    const gzip = lines.findIndex((l) => l.startsWith('FAIL  Content-Encoding'))
    expect(lines[gzip]).toContain('gzip: compression buffers small events')
    expect(lines[gzip + 1].trim()).toMatch(/^fix: Turn compression off for text\/event-stream/)
    expect(run.stdout).toMatch(/^FAIL {2}Authentication +without credentials: 200 text\/html/m)
    expect(run.stdout).toMatch(/^WARN {2}X-Accel-Buffering +not sent$/m)
    expect(run.stdout).toMatch(/failed, 0 skipped|failed, \d+ skipped: fix the failures first\.$/m)
    expect(run.code).toBe(1)
  })

  it('speaks Chinese with --lang zh-CN, the columns still aligned', async () => {
    const run = await runDoctorCli(args(['--listen', '1s', '--replay-wait', '300ms', '--lang', 'zh-CN']))
    // A Chinese title takes two columns a character: 认证 is as wide as "Auth".
    expect(run.stdout).toMatch(/^失败 {2}Content-Encoding {3}gzip：压缩会把小事件攒到一个块满才发出/m)
    expect(run.stdout).toMatch(/^失败 {2}认证 {15}不带凭据：200 text\/html/m)
    expect(run.stdout).toMatch(/^ +修复：对 text\/event-stream 关闭压缩/m)
    expect(run.stdout).toMatch(/请先修复失败项。$/m)
    expect(run.stdout).not.toMatch(/\b(fix|passed|failed|Listened)\b/)
    expect(run.code).toBe(1)
  })

  it('shows its progress on stderr while it listens, and keeps stdout for the report', async () => {
    const run = await runDoctorCli(args(['--listen', '1500ms', '--replay-wait', '300ms']))
    expect(run.stderr).toMatch(/^listening 1\.0 s of 1\.5 s: 1 event, \d+ comments?, longest silence \d+ ms$/m)
    expect(run.stderr).toContain('connecting: resuming with Last-Event-ID')
    expect(run.stdout).not.toContain('listening')
  })

  it('exits 0 when nothing fails', async () => {
    const sound = await startContractServer({})
    try {
      const run = await runDoctorCli(['doctor', sound.sseUrl, '--token', sound.token, '--listen', '1s', '--replay-wait', '300ms'])
      expect(run.stdout).toMatch(/0 failed, \d+ skipped: nothing fails\.$/m)
      expect(run.code).toBe(0)
    } finally {
      await sound.close()
    }
  })
})

describe('vue-sse-hub, the command line', () => {
  it('prints its help for --help, in the language asked', async () => {
    const en = await runDoctorCli(['doctor', '--help'])
    expect(en.code).toBe(0)
    expect(en.stdout).toMatch(/^Usage: vue-sse-hub doctor <url> \[options\]/)
    for (const option of ['--token', '--cookie', '--header', '--method', '--body', '--listen', '--trigger', '--json', '--lang', '--origin']) {
      expect(en.stdout).toContain(option)
    }
    const zh = await runDoctorCli(['--help', '--lang', 'zh-CN'])
    expect(zh.stdout).toMatch(/^用法：vue-sse-hub doctor <url> \[选项\]/)
  })

  it.each([
    [['doctor'], 'Give the stream URL'],
    [['check', 'http://x'], 'Unknown command "check"'],
    [['doctor', 'localhost:8080/api/sse'], 'must be http:// or https://'],
    [['doctor', 'api/sse'], 'is not a URL'],
    [['doctor', 'http://x/sse', '--listen', 'soon'], '--listen takes a duration such as 90s'],
    [['doctor', 'http://x/sse', '--header', 'no colon'], '--header takes "Name: value"'],
    [['doctor', 'http://x/sse', '--body', '{}'], '--body needs --method POST'],
    [['doctor', 'http://x/sse', '--lang', 'fr'], '--lang is en or zh-CN'],
    [['doctor', 'http://x/sse', '--verbose'], "Unknown option '--verbose'"],
  ])('refuses %j with exit code 2, saying what to change', async (argv, message) => {
    const run = await runDoctorCli(argv)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('--help')
    expect(run.stdout).toBe('')
  })
})
