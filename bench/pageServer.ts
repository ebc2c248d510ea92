import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { createMockBackend } from '../playground/server'
import type { MockBackend } from '../playground/server'

const pagesDir = fileURLToPath(new URL('./pages/', import.meta.url))
export const pageNames = ['ours', 'seed', 'vueuse', 'raw', 'tabs'] as const
export type PageName = (typeof pageNames)[number]

/** Builds the bench pages for production (minified, `__DEV__` false) into a temporary directory. */
export async function buildPages(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vue-sse-hub-bench-'))
  await build({
    configFile: false,
    root: pagesDir,
    logLevel: 'warn',
    mode: 'production',
    define: { __DEV__: 'false' },
    build: {
      outDir: dir,
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      minify: process.env.BENCH_MINIFY !== '0',
      rolldownOptions: { input: Object.fromEntries(pageNames.map((name) => [name, join(pagesDir, `${name}.html`)])) },
    },
  })
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** The built pages and the mock SSE backend on one origin (127.0.0.1), as an app serves them. */
export interface PageServer {
  url: string
  backend: MockBackend
  /**
   * The next request to `/bench/feed` (a page given `?url=/bench/feed`): an SSE response the caller
   * writes itself, with backpressure, for streams too long to hold in memory.
   */
  nextFeed(): Promise<Feed>
  close(): Promise<void>
}

/** An SSE response written by the benchmark. */
export interface Feed {
  /** Writes `text`; resolves once the socket has taken it (waits for `drain` when its buffer is full). */
  write(text: string): Promise<void>
  end(): void
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

export async function startPageServer(dir: string): Promise<PageServer> {
  // Anonymous streams, no pings, no `retry:`: nothing but the benchmark's bytes on the wire. Events
  // sent with ids are kept for replay (a tab that takes over resumes from its last id).
  const backend = createMockBackend({ requireAuth: false, heartbeatMs: 0, retryMs: null, replaySize: 1000 })
  const feedWaiters: Array<(feed: Feed) => void> = []
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/bench/feed')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
      res.flushHeaders()
      const write = (text: string): Promise<void> =>
        res.write(text) || res.destroyed
          ? Promise.resolve()
          : new Promise((resolve) => {
              const done = (): void => {
                res.off('drain', done).off('close', done)
                resolve()
              }
              res.on('drain', done).on('close', done)
            })
      const waiter = feedWaiters.shift()
      if (waiter) waiter({ write, end: () => res.end() })
      else res.end()
      return
    }
    backend.middleware(req, res, () => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
      if (path.includes('..')) {
        res.writeHead(400).end()
        return
      }
      readFile(join(dir, path))
        .then((body) => {
          res.writeHead(200, { 'Content-Type': contentTypes[extname(path)] ?? 'application/octet-stream' })
          res.end(body)
        })
        .catch(() => res.writeHead(404).end())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    backend,
    nextFeed: () => new Promise<Feed>((resolve) => feedWaiters.push(resolve)),
    close() {
      backend.close()
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
