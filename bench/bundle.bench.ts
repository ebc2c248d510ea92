import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import type { Plugin, Rolldown } from 'vite'
import type { BenchModule, BenchRow } from './types'

const root = fileURLToPath(new URL('..', import.meta.url))
const TARGET_KB = 8
// The library's peers, external for every build measured here.
const peers = ['vue', 'pinia', '@vueuse/core', 'element-plus']
const isPeer = (id: string): boolean => peers.some((p) => id === p || id.startsWith(`${p}/`))

interface Size {
  minified: number
  gzip: number
}

/** Minifies one ES module with Vite (Rolldown + Oxc) for production, peers external, and gzips it (level 9). */
async function minifiedSize(entry: string, plugins: Plugin[] = []): Promise<Size> {
  const result = await build({
    configFile: false,
    root,
    plugins,
    logLevel: 'warn',
    mode: 'production',
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      reportCompressedSize: false,
      lib: { entry, formats: ['es'], fileName: () => 'out.js' },
      rolldownOptions: { external: isPeer },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]
  const code = outputs
    .flatMap((o) => o.output)
    .filter((chunk): chunk is Rolldown.OutputChunk => chunk.type === 'chunk')
    .map((chunk) => chunk.code)
    .join('\n')
  return { minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length }
}

const kB = (bytes: number): number => bytes / 1000

// The library's parts, each measured alone: what it would weigh if it were the only thing shipped.
const parts: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['eventsource-parser', ['node_modules/eventsource-parser/dist/index.js']],
  ['connection (state machine, fetch/EventSource transports, parser wrapper, backoff, errors)', ['src/core/connection.ts', 'src/core/transports/fetch.ts', 'src/core/transports/eventSource.ts', 'src/core/transports/yieldTask.ts', 'src/core/parser.ts', 'src/core/backoff.ts', 'src/core/errors.ts']],
  ['bus and protocol', ['src/core/bus.ts', 'src/protocol.ts']],
  ['store (reducers, Pinia store, snapshot text)', ['src/store/reducers.ts', 'src/store/useSseStore.ts', 'src/store/snapshotText.ts']],
  ['popups (notifier, renderers, locale)', ['src/notify/notifier.ts', 'src/notify/renderers.ts', 'src/notify/locale.ts', 'src/notify/mountQueue.ts']],
  ['tab sharing (election, relay, group identity, wire, resume point and seen ids)', ['src/core/tabShare.ts', 'src/core/tabShareWire.ts', 'src/core/tabGroup.ts', 'src/core/randomId.ts', 'src/core/resumePoint.ts', 'src/core/idWindow.ts']],
  ['hub, plugin, composables, options', ['src/hub.ts', 'src/plugin.ts', 'src/keys.ts', 'src/options.ts', 'src/composables/useSse.ts', 'src/composables/useSseListener.ts', 'src/composables/useCalc.ts', 'src/composables/useAlarms.ts', 'src/composables/useSseHub.ts']],
]

/** One part minified and gzipped alone: every import from outside the part stays external. */
async function partSize(dir: string, files: readonly string[]): Promise<Size> {
  const members = new Set(files.map((file) => join(root, file)))
  // A part that is a package takes its own internal modules along.
  const ownPackage = /^(node_modules\/[^/]+\/)/.exec(files[0])?.[1] ?? null
  const entry = join(dir, `part-${members.size}-${Math.random().toString(36).slice(2)}.js`)
  await writeFile(entry, [...members].map((file) => `export * from ${JSON.stringify(file)}`).join('\n'))
  return minifiedSize(entry, [
    {
      name: 'part-only',
      enforce: 'pre',
      async resolveId(source, importer, options) {
        if (importer === undefined || importer === entry) return null
        const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
        if (resolved === null || members.has(resolved.id) || (ownPackage !== null && resolved.id.startsWith(join(root, ownPackage)))) return resolved
        return { id: source, external: true }
      },
    },
  ])
}

const bundleBench: BenchModule = {
  name: 'bundle',
  async run({ log }): Promise<BenchRow[]> {
    // The dist as `npm run build` makes it: the repository's Vite config, into a temporary directory.
    const outDir = await mkdtemp(join(tmpdir(), 'vue-sse-hub-dist-'))
    try {
      const built = (await build({
        configFile: join(root, 'vite.config.ts'),
        root,
        logLevel: 'warn',
        mode: 'production',
        build: { outDir, emptyOutDir: true, sourcemap: false },
      })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[]
      // Where the bytes are: the largest modules, unminified (what the dist holds before minification).
      const modules = (Array.isArray(built) ? built : [built])
        .flatMap((o) => o.output)
        .flatMap((chunk) => (chunk.type === 'chunk' ? Object.entries(chunk.modules) : []))
        .map(([id, info]) => [id.replace(root, '').replace(/^node_modules\//, ''), info.renderedLength] as const)
        .sort((a, b) => b[1] - a[1])
      const total = modules.reduce((n, [, length]) => n + length, 0)
      const largest = modules
        .slice(0, 6)
        .map(([id, length]) => `${id} ${((length / total) * 100).toFixed(0)}%`)
        .join(', ')
      const dist = join(outDir, 'vue-sse-hub.js')
      const distCode = await readFile(dist, 'utf8')
      const imports = [...distCode.matchAll(/^import\b[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1])
      if (imports.some((id) => !isPeer(id))) throw new Error(`bundle bench: the dist imports ${imports.join(', ')}`)
      if (!/maxBufferSize|max-buffer-size-exceeded/.test(distCode)) throw new Error('bundle bench: eventsource-parser is not in the dist')

      const ours = await minifiedSize(dist)
      const partSizes: string[] = []
      for (const [label, files] of parts) {
        const size = await partSize(outDir, files)
        partSizes.push(`${label} ${kB(size.gzip).toFixed(1)}`)
      }
      log(`bundle parts alone (min+gzip kB): ${partSizes.join('; ')}`)
      const vueSse = await minifiedSize(join(root, 'node_modules/vue-sse/dist/vue-sse.esm.js'))
      const polyfill = await minifiedSize(join(root, 'node_modules/event-source-polyfill/src/eventsource.js'))
      log(
        `bundle: ours ${ours.minified} B min / ${ours.gzip} B gzip; vue-sse ${vueSse.minified} / ${vueSse.gzip}; ` +
          `event-source-polyfill ${polyfill.minified} / ${polyfill.gzip}`,
      )
      const method =
        'Each file minified the same way (Vite/Rolldown + Oxc, ES module, process.env.NODE_ENV "production", ' +
        'peers vue/pinia/@vueuse/core/element-plus external), gzip level 9; kB = 1000 bytes.'
      const row = (peerName: string, peer: Size, extra: string): BenchRow => ({
        name: `bundle (min+gzip) vs ${peerName}`,
        ours: kB(ours.gzip),
        peer: kB(peer.gzip),
        unit: 'kB',
        ratio: ours.gzip / peer.gzip,
        target: `<= ${TARGET_KB} kB`,
        pass: kB(ours.gzip) <= TARGET_KB,
        detail:
          `Ours: dist/vue-sse-hub.js from the repository's Vite config (eventsource-parser bundled in, every export: ` +
          `plugin, hub, connection, tab sharing, store, composables, popups), ${kB(ours.minified).toFixed(1)} kB ` +
          `minified; largest modules (share of the unminified dist): ${largest}. Each part alone, min+gzip kB (the sum exceeds the whole: ` +
          `gzip shares repeats across parts): ${partSizes.join('; ')}. Peer: ${peerName}'s published ${extra}, ${kB(peer.minified).toFixed(1)} kB minified. ${method}`,
      })
      return [
        row('vue-sse', vueSse, 'dist/vue-sse.esm.js (EventSource wrapper, no store, no popups)'),
        row('event-source-polyfill', polyfill, 'src/eventsource.js (the EventSource polyfill alone)'),
      ]
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  },
}

export default bundleBench
