import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resumeAfter, streamKey } from '../../examples/redis/userEvents.mjs'
import { RESUME_CASES } from '../support/resumeCases'

// The Java side of docs/backend.md "Several instances". The Spring sketch
// (examples/redis/java/UserEventsController.java) needs Spring Boot, Spring Data Redis and Jackson,
// which cannot be fetched here: it is only parsed (javac stops before resolving any type), so its
// syntax is checked and its Spring calls are not. Its one dependency-free part, StreamIds.java, is
// compiled and run against the same table as the Node example's resumeAfter().

const JAVAC = '/usr/bin/javac'
const JAVA = '/usr/bin/java'
const JAVA_DIR = fileURLToPath(new URL('../../examples/redis/java/', import.meta.url))
const CHECK = fileURLToPath(new URL('../support/java/ResumeAfterCheck.java', import.meta.url))
const run = promisify(execFile)

let out: string

beforeAll(() => {
  if (!existsSync(JAVAC) || !existsSync(JAVA)) {
    throw new Error(`A JDK is required for this test and javac was not found at ${JAVAC}: apt-get install -y default-jdk-headless`)
  }
  out = mkdtempSync(join(tmpdir(), 'sse-java-'))
})

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true })
})

describe('the Java counterpart of examples/redis', () => {
  it('StreamIds.resumeAfter starts where the Node example does, for every case', async () => {
    await run(JAVAC, ['-d', out, join(JAVA_DIR, 'StreamIds.java'), CHECK])
    const input = RESUME_CASES.map(([last, newest]) => `${last}\t${newest}`).join('\n')
    const child = execFile(JAVA, ['-cp', out, 'ResumeAfterCheck'])
    child.stdin!.end(`${input}\n`)
    let stdout = ''
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
    expect(code).toBe(0)
    const javaAnswers = stdout.trim().split('\n')
    expect(javaAnswers).toEqual(RESUME_CASES.map(([, , expected]) => expected))
    expect(RESUME_CASES.map(([last, newest]) => resumeAfter(last, newest))).toEqual(javaAnswers)
  })

  it('the Spring sketch parses, and keeps events where the Node instances look for them', async () => {
    // Parse only: the Spring jars are not here, so no type could be resolved.
    await run(JAVAC, ['-d', out, '--should-stop=ifNoError=PARSE', join(JAVA_DIR, 'UserEventsController.java')])
    const source = readFileSync(join(JAVA_DIR, 'UserEventsController.java'), 'utf8')
    expect(streamKey('alice')).toBe('sse:events:alice')
    expect(source).toContain('return "sse:events:" + user;')
    expect(source).toContain('Map.of("data", data)')
    expect(source).toContain('StreamIds.resumeAfter(')
    expect(source).toContain('Range.Bound.exclusive(cursor)')
    expect(source).toContain('ReadOffset.from(cursor)')
  })
})
