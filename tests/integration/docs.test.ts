import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { parseDoctorArgs } from '../../src/doctor/args'
import { openStream, startExampleServer } from '../support/exampleServer'
import type { ExampleServer } from '../support/exampleServer'
import { repoRoot } from '../support/packagedApp'

// Docs that run. Every fenced block in README.md and docs/*.md is one of:
//
// 1. A copy of a file, or of a region of it. The line right before the block is
//    `<!-- example: path/from/repo/root -->` or `<!-- example: path#region -->`; a region is what lies
//    between the lines `… #region name` and `… #endregion name` (any comment syntax). Region marker
//    lines inside what a block shows are left out, and a region and its block are compared without their
//    common indentation (the docs may show it indented as in the file, or not). Otherwise the block must
//    equal the file exactly.
//    Every file under examples/ must be compiled or run by a test: a test file names it, or a folder
//    that holds it (the test then compiles or runs that whole folder), by its path from the root.
// 2. A shell block (```sh), without a marker. Each command (one per line, `&&` between commands) must
//    be one this repository answers for: `npm ci`; `npm test`; `npm run <a script of package.json>`;
//    `npm install <this package and its peers>`; `node <a file under examples/>`, which is run here;
//    `curl …`, replayed here with fetch against what `node` started in the same document (host and
//    port replaced by where it listens); `npx vue-sse-hub …` (the package's bin), whose command line
//    must be one the doctor runs (its options and values accepted: it is not run against the reader's
//    server; doctor.test.ts runs it against the example server). A line that runs `npm test` must be a line of .ci/run too:
//    CI runs what the README tells a contributor to run.
// 3. A server's answer (```http), preceded by `<!-- response: <server script> <METHOD> <path> -->`.
//    The script (only examples/server/server.mjs so far) is started with node, the request made, and
//    the block's status line and each of its header lines must be what the server sent.

interface Block {
  doc: string
  /** 1-based line of the opening fence. */
  line: number
  lang: string
  marker: string | null
  text: string
}

const docs = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]

function blocksOf(doc: string): Block[] {
  const lines = readFileSync(join(repoRoot, doc), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})(\S*)/.exec(lines[i])
    if (!open) continue
    const close = lines.findIndex((line, j) => j > i && line.startsWith(open[1]) && line.trim() === open[1])
    if (close === -1) throw new Error(`${doc}:${i + 1}: a fenced block that never closes`)
    const previous = i > 0 ? lines[i - 1] : ''
    const marker = /^<!--\s*(.+?)\s*-->$/.exec(previous.trim())?.[1] ?? null
    blocks.push({ doc, line: i + 1, lang: open[2], marker, text: lines.slice(i + 1, close).join('\n') })
    i = close
  }
  return blocks
}

const blocks = docs.flatMap(blocksOf)
const where = (block: Block): string => `${block.doc}:${block.line}`
const isRegionMarker = (line: string): boolean => /#(end)?region\b/.test(line)

function dedent(lines: string[]): string[] {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length)
  const cut = Math.min(...indents)
  return lines.map((line) => line.slice(cut))
}

/** The text a marker `path` or `path#region` stands for. */
function exampleText(target: string): string {
  const [path, region] = target.split('#')
  const file = join(repoRoot, path)
  if (!existsSync(file)) throw new Error(`${path} does not exist`)
  let lines = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n')
  if (region !== undefined) {
    const start = lines.findIndex((line) => new RegExp(`#region ${region}\\s*(-->|\\*/)?\\s*$`).test(line))
    const end = lines.findIndex((line) => new RegExp(`#endregion ${region}\\s*(-->|\\*/)?\\s*$`).test(line))
    if (start === -1 || end <= start) throw new Error(`${path} has no region "${region}"`)
    lines = dedent(lines.slice(start + 1, end))
  }
  return lines.filter((line) => !isRegionMarker(line)).join('\n')
}

describe('docs that run: every fenced block in README.md and docs/*.md', () => {
  it('has a marker, unless it is a shell block', () => {
    const unmarked = blocks.filter((b) => b.marker === null && b.lang !== 'sh').map(where)
    expect(unmarked).toEqual([])
    const unknown = blocks.filter((b) => b.marker !== null && !/^(example|response):/.test(b.marker)).map(where)
    expect(unknown).toEqual([])
  })

  for (const block of blocks.filter((b) => b.marker?.startsWith('example:'))) {
    const target = block.marker!.slice('example:'.length).trim()
    it(`${where(block)} is ${target}`, () => {
      // A region may sit indented in its file: both sides are compared without their common indentation.
      const shown = target.includes('#') ? dedent(block.text.split('\n')).join('\n') : block.text
      expect(shown).toBe(exampleText(target))
    })
  }
})

describe('docs that run: the files under examples/', () => {
  const testSources = (function collect(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? collect(path) : /\.ts$/.test(name) ? [readFileSync(path, 'utf8')] : []
    })
  })(join(repoRoot, 'tests'))
  const examples = (function collect(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      if (name === 'node_modules' || name === 'dist') return []
      const path = join(dir, name)
      return statSync(path).isDirectory() ? collect(path) : [relative(repoRoot, path)]
    })
  })(join(repoRoot, 'examples'))

  it('are each compiled or run by a test (named by a test, itself or a folder holding it)', () => {
    const named = (path: string): boolean => {
      const candidates = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')).filter((p) => p !== 'examples')
      return candidates.some((candidate) => testSources.some((source) => source.includes(`'${candidate}'`) || source.includes(`${candidate}'`) || source.includes(`${candidate}/'`)))
    }
    expect(examples.length).toBeGreaterThan(0)
    expect(examples.filter((path) => !named(path))).toEqual([])
  })
})

describe('docs that run: shell blocks', () => {
  const ciRun = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8').split('\n').map((line) => line.trim())
  const allowed = new Set([pkg.name, ...Object.keys(pkg.peerDependencies)])
  const servers: ExampleServer[] = []
  afterAll(async () => {
    for (const server of servers) await server.stop()
  })

  for (const doc of docs) {
    const shell = blocks.filter((b) => b.doc === doc && b.lang === 'sh')
    if (shell.length === 0) continue
    it(`${doc}: every command runs here`, async () => {
      let server: ExampleServer | undefined
      for (const block of shell) {
        for (const line of block.text.split('\n').filter((l) => l.trim() !== '')) {
          if (/\bnpm test\b/.test(line)) expect(ciRun, `${where(block)}: .ci/run does not run "${line}"`).toContain(line.trim())
          for (const command of line.split('&&').map((c) => c.trim())) {
            const words = shellWords(command)
            const context = `${where(block)}: ${command}`
            if (command === 'npm ci' || command === 'npm test') continue
            if (words[0] === 'npm' && words[1] === 'run') {
              expect(Object.keys(pkg.scripts), context).toContain(words[2])
            } else if (words[0] === 'npm' && words[1] === 'install') {
              expect(words.slice(2).filter((name) => !allowed.has(name)), context).toEqual([])
            } else if (words[0] === 'node' && words.length === 2 && words[1].startsWith('examples/')) {
              expect(words[1], `${context}: only the example server is started here`).toBe('examples/server/server.mjs')
              server = await startExampleServer()
              servers.push(server)
            } else if (words[0] === 'npx' && Object.keys(pkg.bin).includes(words[1])) {
              expect(parseDoctorArgs(words.slice(2)), context).toMatchObject({ kind: 'run' })
            } else if (words[0] === 'curl') {
              expect(server, `${context}: no server started before it in ${doc}`).toBeDefined()
              await replayCurl(words, server!, context)
            } else {
              throw new Error(`${context}: not a command this test can check (see the rules at the top of docs.test.ts)`)
            }
          }
        }
      }
    })
  }
})

describe('docs that run: server answers', () => {
  for (const block of blocks.filter((b) => b.marker?.startsWith('response:'))) {
    it(`${where(block)} is what ${block.marker} answers`, async () => {
      const [script, method, path] = block.marker!.slice('response:'.length).trim().split(/\s+/)
      expect(script).toBe('examples/server/server.mjs')
      const server = await startExampleServer()
      try {
        const answer = await new Promise<{ statusLine: string; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
          const req = request(`${server.origin}${path}`, { method }, (res) => {
            resolve({ statusLine: `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`, headers: res.headers })
            res.destroy()
          })
          req.on('error', reject)
          req.end()
        })
        const [statusLine, ...headerLines] = block.text.split('\n').filter((line) => line.trim() !== '')
        expect(statusLine).toBe(answer.statusLine)
        for (const line of headerLines) {
          const at = line.indexOf(':')
          expect(answer.headers[line.slice(0, at).trim().toLowerCase()], line).toBe(line.slice(at + 1).trim())
        }
      } finally {
        await server.stop()
      }
    })
  }
})

/** Splits a shell command into words, honouring single and double quotes. */
function shellWords(command: string): string[] {
  const words: string[] = []
  for (const match of command.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    words.push(match[1] ?? match[2]?.replace(/\\(.)/g, '$1') ?? match[3])
  }
  return words
}

/**
 * Replays `curl [-X METHOD] [-H 'Name: value']… [-d DATA] URL` with fetch against `server`, while a
 * stream of the same user is open: the answer must be 2xx, and a JSON body sent as a message must
 * arrive on the stream.
 */
async function replayCurl(words: string[], server: ExampleServer, context: string): Promise<void> {
  let method = 'GET'
  let body: string | undefined
  let url = ''
  const headers: Record<string, string> = {}
  for (let i = 1; i < words.length; i++) {
    const word = words[i]
    if (word === '-X') method = words[++i]
    else if (word === '-H') {
      const header = words[++i]
      headers[header.slice(0, header.indexOf(':')).trim()] = header.slice(header.indexOf(':') + 1).trim()
    } else if (word === '-d' || word === '--data') {
      body = words[++i]
      if (method === 'GET') method = 'POST'
    } else if (/^https?:\/\//.test(word)) url = word
    else throw new Error(`${context}: curl option ${word} is not replayed by this test`)
  }
  const target = new URL(url)
  expect(target.host, `${context}: the docs' example server listens on 127.0.0.1:8080`).toBe('127.0.0.1:8080')
  const stream = await openStream(server.origin, '/api/sse', headers.Authorization ? { Authorization: headers.Authorization } : {})
  try {
    const response = await fetch(`${server.origin}${target.pathname}${target.search}`, { method, headers, body })
    expect(response.status, `${context}: ${await response.clone().text()}`).toBeLessThan(300)
    if (body !== undefined && target.pathname === '/api/push') {
      await stream.untilEvents(1)
      expect(JSON.parse(stream.events[0].data)).toEqual(JSON.parse(body))
    }
  } finally {
    stream.close()
  }
}
