import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import type { Rolldown } from 'vite'
import type { BenchModule, BenchRow } from './types'

// What the library adds to a real app, per way of using it: the package as published (the
// repository's build, with its package.json) installed in a scratch app, each profile's main.js
// built by Vite for production beside a baseline app that does everything else the same.

const root = fileURLToPath(new URL('..', import.meta.url))
// Inside the repository (bench/.out is ignored by git): the app resolves vue and vue-sse from its node_modules.
const app = join(root, 'bench', '.out', 'bundle-app')
const installed = join(app, 'node_modules', 'vue-sse-hub')
// The app's own dependencies: they are in the app's vendor chunk whether or not it uses this library.
const peers = ['vue', 'pinia', '@vueuse/core', 'element-plus']
const isPeer = (id: string): boolean => peers.some((p) => id === p || id.startsWith(`${p}/`))
const kB = (bytes: number): number => bytes / 1000

// Every app mounts and has one lazy page, as admin apps with lazy routes do: the baseline already
// pays for Vite's preload helper, so a profile's lazy chunks are charged only for themselves.
const appShell = [
  "import { createApp } from 'vue'",
  "const app = createApp({ render: () => null })",
  "void import('./page.js').then((page) => page.show())",
]
const mount = "app.mount('#app')"

interface Profile {
  name: string
  /** Lines added to the baseline app. */
  code: string[]
  /** Target on what the app loads with this profile, in kB. */
  target: number
  /** Whether the app requests the library's lazy chunks (popups, tab sharing) at run time. */
  loadsLazyChunks: boolean
  /** Library modules that must not be in the first download. */
  notFirst: string[]
}

const plugin = (options: string): string[] => [
  "import { createPinia } from 'pinia'",
  "import { ssePlugin } from 'vue-sse-hub'",
  `app.use(createPinia()).use(ssePlugin, { url: '/api/sse', token: () => localStorage.getItem('token')${options} })`,
]

const profiles: Profile[] = [
  {
    name: 'only createSseParser',
    code: [
      "import { createSseParser } from 'vue-sse-hub'",
      'const parser = createSseParser({ onMessage: (message) => console.log(message.data) })',
      "parser.feed('data: 1\\n\\n')",
    ],
    target: 2.5,
    loadsLazyChunks: false,
    notFirst: ['notify/', 'lazyTabSharing', 'core/tabShare', 'core/tabGroup', 'store/', 'hub'],
  },
  {
    name: 'only createConnection',
    code: [
      "import { createConnection } from 'vue-sse-hub'",
      "createConnection({ url: '/api/sse', token: () => localStorage.getItem('token') }, { onMessage: (message) => console.log(message.data) }).open()",
    ],
    target: 5.3,
    loadsLazyChunks: false,
    notFirst: ['notify/', 'lazyTabSharing', 'core/tabShare', 'core/tabGroup', 'store/', 'hub'],
  },
  { name: 'plugin, defaults', code: plugin(''), target: 15, loadsLazyChunks: true, notFirst: [] },
  {
    name: 'plugin, notify and share off',
    code: plugin(', notify: false, share: false'),
    target: 10,
    loadsLazyChunks: false,
    notFirst: ['notify/notifier', 'notify/renderers', 'notify/locale', 'lazyTabSharing', 'core/tabShare', 'core/tabGroup', 'core/randomId', 'store/snapshotText'],
  },
]

const vueSse = [
  "import VueSSE from 'vue-sse'",
  "app.use(VueSSE, { format: 'json' })",
  "app.config.globalProperties.$sse.create('/api/sse').on('message', (data) => console.log(data)).connect()",
]

interface Measured {
  /** gzip bytes of the chunks the page loads at start (entry and its static imports). */
  first: number
  /** gzip bytes of every chunk. */
  all: number
  /** Library modules in the first download, and the unminified bytes each renders. */
  firstModules: Map<string, number>
  /** Library modules in lazy chunks. */
  lazyModules: Map<string, number>
}

/** Builds `main.js` with these lines like `vite build` does for production, peers external, and weighs each chunk minified and gzipped. */
async function buildApp(lines: string[]): Promise<Measured> {
  const imports = lines.filter((line) => line.startsWith('import '))
  const statements = lines.filter((line) => !line.startsWith('import '))
  const [shellImport, ...shell] = appShell
  await writeFile(join(app, 'main.js'), [shellImport, ...imports, ...shell, ...statements, mount, ''].join('\n'))
  const result = (await build({
    configFile: false,
    root: app,
    logLevel: 'warn',
    mode: 'production',
    // As `vite build` in a shell: the benchmark process runs under a development server, whose
    // NODE_ENV would otherwise keep the development-only code.
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      reportCompressedSize: false,
      modulePreload: { polyfill: false },
      rolldownOptions: { input: join(app, 'main.js'), external: isPeer },
    },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[]
  const chunks = (Array.isArray(result) ? result : [result])
    .flatMap((output) => output.output)
    .filter((chunk): chunk is Rolldown.OutputChunk => chunk.type === 'chunk')
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]))
  const initial = new Set<string>()
  const visit = (fileName: string): void => {
    if (initial.has(fileName)) return
    initial.add(fileName)
    for (const next of byName.get(fileName)?.imports ?? []) visit(next)
  }
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName)
  const gzip = (chunk: Rolldown.OutputChunk): number => gzipSync(chunk.code, { level: 9 }).length
  const ours = (chunk: Rolldown.OutputChunk): Map<string, number> =>
    new Map(
      Object.entries(chunk.modules)
        .filter(([id]) => id.includes('/vue-sse-hub/dist/'))
        .map(([id, info]) => [id.slice(id.indexOf('/dist/') + 6).replace(/\.js$/, ''), info.renderedLength]),
    )
  const measured: Measured = { first: 0, all: 0, firstModules: new Map(), lazyModules: new Map() }
  for (const chunk of chunks) {
    const size = gzip(chunk)
    measured.all += size
    if (initial.has(chunk.fileName)) {
      measured.first += size
      for (const [id, length] of ours(chunk)) measured.firstModules.set(id, length)
    } else {
      for (const [id, length] of ours(chunk)) measured.lazyModules.set(id, length)
    }
  }
  return measured
}

/** The largest library modules of a download, by share of their unminified size. */
function largest(modules: Map<string, number>, count = 6): string {
  const total = [...modules.values()].reduce((sum, length) => sum + length, 0)
  return [...modules]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([id, length]) => `${id} ${((length / total) * 100).toFixed(0)}%`)
    .join(', ')
}

const bundleBench: BenchModule = {
  name: 'bundle',
  async run({ log }): Promise<BenchRow[]> {
    await rm(app, { recursive: true, force: true })
    await mkdir(app, { recursive: true })
    try {
      // The package as `npm run build` makes it, where the app's imports find it.
      await build({ configFile: join(root, 'vite.config.ts'), root, logLevel: 'warn', mode: 'production', build: { outDir: join(installed, 'dist'), emptyOutDir: true, sourcemap: false } })
      await cp(join(root, 'package.json'), join(installed, 'package.json'))
      // A package.json of its own: inside the repository, `vue-sse-hub` would otherwise name the repository itself.
      await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'bundle-app', private: true, type: 'module' }))
      await writeFile(join(app, 'page.js'), "export function show() { document.title = 'page' }\n")

      const baseline = await buildApp([])
      const peer = await buildApp(vueSse)
      const peerFirst = peer.first - baseline.first
      log(`bundle: baseline app ${baseline.first} B gzip; vue-sse adds ${peerFirst} B (first download), ${peer.all - baseline.all} B (all chunks)`)
      const method =
        'A scratch Vite app (main.js: createApp, mount, one lazy page) with the package installed as published (the repository build and package.json), ' +
        'built by Vite for production (Rolldown, Oxc minifier), peers vue/pinia/@vueuse/core/element-plus external (the app has them anyway); ' +
        'each chunk gzipped alone at level 9; what the library adds = the profile app minus the same app without the library; kB = 1000 bytes. ' +
        `Peer: vue-sse (app.use(VueSSE) and one $sse.create().connect()) measured the same way in the same run, ${kB(peerFirst).toFixed(2)} kB.`

      const rows: BenchRow[] = []
      for (const profile of profiles) {
        const built = await buildApp(profile.code)
        const first = built.first - baseline.first
        const lazy = built.all - baseline.all - first
        const loaded = profile.loadsLazyChunks ? first + lazy : first
        const misplaced = [...built.firstModules.keys()].filter((id) => profile.notFirst.some((prefix) => id.startsWith(prefix)))
        const pass = kB(loaded) <= profile.target && misplaced.length === 0
        log(`bundle ${profile.name}: first ${first} B, lazy ${lazy} B; first-download modules: ${[...built.firstModules.keys()].join(' ')}`)
        rows.push({
          name: `bundle: ${profile.name} (first download ${kB(first).toFixed(1)} kB)`,
          ours: kB(loaded),
          peer: kB(peerFirst),
          unit: 'kB',
          ratio: loaded / peerFirst,
          target: `<= ${profile.target} kB loaded`,
          pass,
          detail:
            `First download ${kB(first).toFixed(2)} kB (${largest(built.firstModules)}); lazy chunks ${kB(lazy).toFixed(2)} kB` +
            (built.lazyModules.size > 0 ? ` (${largest(built.lazyModules)})` : '') +
            (profile.loadsLazyChunks ? ', requested once the user logs in, so counted as loaded' : built.lazyModules.size > 0 ? ', never requested with these options' : '') +
            (misplaced.length > 0 ? `; NOT SEPARATED: ${misplaced.join(', ')} in the first download` : '') +
            `. ${method}`,
        })
      }
      return rows
    } finally {
      await rm(app, { recursive: true, force: true })
    }
  },
}

export default bundleBench
