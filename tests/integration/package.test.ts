import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'vite'
import type { Rolldown } from 'vite'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { launchChromium } from '../support/chromium'
import { startExampleServer } from '../support/exampleServer'
import type { ExampleServer } from '../support/exampleServer'
import { packTarball, prepareApp, repoRoot, serveApp, tool } from '../support/packagedApp'

// The package as a user gets it: `npm pack`, the linters of the npm ecosystem on the tarball, the
// tarball installed with npm into a copy of examples/app (the README's code in the official vue-ts
// template), built for production with Element Plus fully imported and imported on demand, and run in
// Chromium against the docs' example server; its `vue-sse-hub doctor` command run with npx there.

const run = promisify(execFile)
/** The doctor's file in dist/, from the package's bin. */
const bin = relative('dist', pkg.bin['vue-sse-hub'])

let scratch: string
let tarball: string
let npmOutput: string
let app: string

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'vue-sse-hub-package-'))
  tarball = await packTarball(scratch)
  app = join(scratch, 'app')
  npmOutput = await prepareApp(app, tarball)
}, 180_000)

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

describe('the tarball', () => {
  it('passes publint --strict and @arethetypeswrong/cli (ESM only: the require() rows are not checked)', async () => {
    expect(await tool('publint', 'src/cli.js', ['--strict', tarball], repoRoot)).toMatch(/All good/)
    const attw = await tool('@arethetypeswrong/cli', 'dist/index.js', ['--profile', 'esm-only', '--format', 'json', tarball], repoRoot)
    const report = JSON.parse(attw.slice(attw.indexOf('{'))) as { analysis: { problems: Array<{ resolutionKind?: string }> } }
    const esmProblems = report.analysis.problems.filter((problem) => !['node10', 'node16-cjs'].includes(problem.resolutionKind ?? ''))
    expect(esmProblems).toEqual([])
  }, 60_000)

  it('installs offline with nothing but itself: no dependency to fetch, no warning (engines included)', () => {
    expect(npmOutput).not.toMatch(/warn|EBADENGINE/i)
    expect(npmOutput).toMatch(/added 1 package/)
    expect(pkg).not.toHaveProperty('dependencies')
  })

  it('holds ES modules that import only each other and the peer dependencies (the doctor: only Node\'s modules)', async () => {
    const dist = join(app, 'node_modules', 'vue-sse-hub', 'dist')
    const files = (await readdir(dist, { recursive: true })).filter((file) => file.endsWith('.js'))
    expect(files).toContain('index.js')
    expect(files).toContain(bin)
    const peers = Object.keys(pkg.peerDependencies)
    for (const file of files) {
      const code = await readFile(join(dist, file), 'utf8')
      const specifiers = importedSpecifiers(code)
      // The library runs in the app's bundle; the doctor runs in Node, bundled whole.
      const allowed = file === bin ? (id: string) => id.startsWith('node:') : (id: string) => id.startsWith('.') || peers.some((p) => id === p || id.startsWith(`${p}/`))
      expect(specifiers.filter((id) => !allowed(id)), file).toEqual([])
    }
  })

  it("runs the README's component tests with vue-sse-hub/testing from the tarball (Vitest, @vue/test-utils)", async () => {
    const output = await tool('vitest', 'vitest.mjs', ['run', '--reporter', 'verbose'], app)
    expect(output).toMatch(/3 passed/)
    expect(output).toContain('pops a notification for an alarm')
  }, 120_000)

  it('installs the doctor as the vue-sse-hub command: npx runs it, and it checks the example server', async () => {
    const doctor = (...args: string[]) => run('npx', ['--no', 'vue-sse-hub', 'doctor', ...args], { cwd: app })
    expect((await doctor('--help')).stdout).toMatch(/^Usage: vue-sse-hub doctor <url> \[options\]/)

    const server = await startExampleServer()
    try {
      const sse = `${server.origin}/api/sse`
      const trigger = server.pushCommand('alice-token', '4', { alarmId: 'doctor', title: 'Doctor' })
      const { stdout } = await doctor(sse, '--token', 'alice-token', '--trigger', trigger, '--listen', '1s', '--replay-wait', '300ms', '--json')
      const report = JSON.parse(stdout) as { ok: boolean; checks: Array<{ check: string; status: string }> }
      expect(report.checks.filter((c) => c.status === 'fail')).toEqual([])
      expect(report.checks.find((c) => c.check === 'delivery')?.status).toBe('pass')
      expect(report.ok).toBe(true)
      // A failing line is the exit code 1.
      await expect(doctor(sse, '--token', 'wrong', '--listen', '1s')).rejects.toMatchObject({ code: 1, stdout: expect.stringMatching(/^FAIL {2}Status/m) })
    } finally {
      await server.stop()
    }
  }, 60_000)

  it('ships only code of its own, under its own MIT license alone', async () => {
    const installed = join(app, 'node_modules', 'vue-sse-hub')
    const files = (await readdir(join(installed, 'dist'), { recursive: true })).filter((file) => file.endsWith('.js'))
    const sources = new Set((await readdir(join(repoRoot, 'src'), { recursive: true })).map((file) => file.replace(/\.(ts|vue)$/, '.js')))
    // cli.js is the doctor command, bundled from src/doctor/bin.ts with the parser it uses.
    expect(files.filter((file) => file !== 'cli.js' && !sources.has(file))).toEqual([])
    const license = await readFile(join(installed, 'LICENSE'), 'utf8')
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the vue-sse-hub authors\n/)
    expect(license.match(/MIT License|Copyright/g)).toEqual(['MIT License', 'Copyright'])
  })
})

/**
 * What a module of the dist imports: its `import`/`export … from` statements (each starts a line in
 * the build's output) and `import('…')` calls; text in its strings that reads like one is not.
 */
function importedSpecifiers(code: string): string[] {
  const statements = code.matchAll(/^(?:import|export)\b(?:[^'"]*?\bfrom)?\s*["']([^"']+)["']/gm)
  const calls = code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)
  return [...statements, ...calls].map((m) => m[1])
}

describe('types in an app', () => {
  // The package's own declarations checked (skipLibCheck off) and used, under each resolution an app
  // may choose. The peers' declarations do not all compile without skipLibCheck: only ours count.
  for (const moduleResolution of ['Bundler', 'NodeNext'] as const) {
    it(`resolve and type the API under moduleResolution ${moduleResolution}`, async () => {
      const dir = join(app, `types-${moduleResolution}`)
      await writeFile(
        join(app, `tsconfig.${moduleResolution}.json`),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: moduleResolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
            moduleResolution,
            lib: ['ES2022', 'DOM', 'DOM.Iterable'],
            types: [],
            strict: true,
            noEmit: true,
            skipLibCheck: false,
          },
          files: [`${dir}.mts`],
        }),
      )
      await writeFile(
        `${dir}.mts`,
        [
          "import { createApp, ref } from 'vue'",
          "import { createPinia } from 'pinia'",
          "import { ssePlugin, useSseListener, EventType } from 'vue-sse-hub'",
          "const token = ref<string | null>('t')",
          "createApp({}).use(createPinia()).use(ssePlugin, { url: '/api/sse', token, notify: { locale: 'en' } })",
          'useSseListener(EventType.dynCalcProgress, (data) => console.log(data.progress?.toFixed()))',
          "createApp({}).use(ssePlugin, { url: '/api/sse', transport: 'websocket' })",
          '',
        ].join('\n'),
      )
      let output = ''
      try {
        await tool('vue-tsc', 'bin/vue-tsc.js', ['-p', `tsconfig.${moduleResolution}.json`], app)
      } catch (error) {
        output = (error as Error).message
      }
      const ours = output.split('\n').filter((line) => /error TS/.test(line) && !/node_modules[\\/](?!vue-sse-hub)/.test(line))
      // Exactly the one mistake the app makes on purpose: the option types reached the app, and
      // `data.progress` was typed (an `any` would accept the websocket transport too).
      expect(ours, output).toHaveLength(1)
      expect(ours[0]).toMatch(/types-\w+\.mts\(7,\d+\): error TS2769/)
    }, 120_000)
  }
})

describe('tree-shaking in an app build', () => {
  /** Builds `main` in the app for production (peers external) and returns the code of every chunk by whether the page loads it at start. */
  async function buildMain(main: string): Promise<{ first: string; lazy: string; modules: string[] }> {
    await writeFile(join(app, 'shake.js'), main)
    const output = (await build({
      configFile: false,
      root: app,
      logLevel: 'warn',
      mode: 'production',
      // As `vite build` in a shell: the test runner's NODE_ENV (test) would keep development-only code.
      define: { 'process.env.NODE_ENV': '"production"' },
      build: {
        write: false,
        minify: false,
        modulePreload: { polyfill: false },
        rolldownOptions: { input: join(app, 'shake.js'), external: (id) => Object.keys(pkg.peerDependencies).some((p) => id === p || id.startsWith(`${p}/`)) },
      },
    })) as Rolldown.RolldownOutput
    const chunks = output.output.filter((chunk): chunk is Rolldown.OutputChunk => chunk.type === 'chunk')
    const entry = chunks.find((chunk) => chunk.isEntry)!
    const firstNames = new Set([entry.fileName, ...entry.imports])
    const ours = (chunk: Rolldown.OutputChunk): string[] => Object.keys(chunk.modules).filter((id) => id.includes('/node_modules/vue-sse-hub/'))
    return {
      first: chunks.filter((c) => firstNames.has(c.fileName)).map((c) => c.code).join('\n'),
      lazy: chunks.filter((c) => !firstNames.has(c.fileName)).map((c) => c.code).join('\n'),
      modules: chunks.filter((c) => firstNames.has(c.fileName)).flatMap(ours).map((id) => id.slice(id.indexOf('/dist/') + 6)),
    }
  }

  it('an app importing only createSseParser gets the parser and nothing of Vue, Pinia or Element Plus', async () => {
    const built = await buildMain("import { createSseParser } from 'vue-sse-hub'\ncreateSseParser({ onMessage: console.log }).feed('data: 1\\n\\n')\n")
    expect(built.modules.sort()).toEqual(['core/errors.js', 'core/parser.js'])
    expect(built.first).not.toMatch(/from\s*["'](vue|pinia|element-plus|@vueuse\/core)["']/)
  }, 60_000)

  it('a production build holds no Vue Devtools code and no testing kit, in any chunk', async () => {
    const built = await buildMain(
      "import { createApp } from 'vue'\nimport { createPinia } from 'pinia'\nimport { ssePlugin } from 'vue-sse-hub'\n" +
        "createApp({}).use(createPinia()).use(ssePlugin, { url: '/api/sse', token: 't' }).mount('#app')\n",
    )
    expect(built.modules).toContain('plugin.js')
    expect(`${built.first}\n${built.lazy}`).not.toMatch(/devtools|setupDevtools|createTestingHub|fakeConnection/i)
  }, 60_000)

  it('with notify and share off, no popup or tab-sharing code is in the first download', async () => {
    const built = await buildMain(
      "import { createApp } from 'vue'\nimport { createPinia } from 'pinia'\nimport { ssePlugin } from 'vue-sse-hub'\n" +
        "createApp({}).use(createPinia()).use(ssePlugin, { url: '/api/sse', token: 't', notify: false, share: false }).mount('#app')\n",
    )
    expect(built.modules).toContain('hub.js')
    const lazyModules = ['notify/notifier.js', 'notify/renderers.js', 'notify/locale.js', 'lazyTabSharing.js', 'core/tabShare.js', 'core/tabShareWire.js', 'core/tabGroup.js', 'core/randomId.js', 'store/snapshotText.js', 'store/snapshot.js', 'core/tabShareElection.js', 'core/tabShareChannel.js', 'core/tabSharePresence.js']
    for (const lazy of lazyModules) expect(built.modules).not.toContain(lazy)
    expect(built.first).not.toMatch(/element-plus|ElNotification|navigator\.locks|BroadcastChannel/)
    expect(built.lazy).toMatch(/ElNotification/)
  }, 60_000)
})

describe('the README app, built and run in Chromium against the example server', () => {
  let browser: Browser
  let server: ExampleServer

  beforeAll(async () => {
    // Type-checks every file of the app (main.ts, the on-demand variant, the snippets the docs show)
    // with the template's strict settings, as `npm run build` does.
    await tool('vue-tsc', 'bin/vue-tsc.js', ['-b'], app)
    await tool('vite', 'bin/vite.js', ['build', '--outDir', 'dist-full', '--logLevel', 'warn'], app)
    // On demand: the on-demand entry and config, exactly as the README shows them.
    await writeFile(join(app, 'src', 'main.ts'), await readFile(join(app, 'src', 'main.on-demand.ts')))
    await tool('vite', 'bin/vite.js', ['build', '--config', 'vite.config.on-demand.ts', '--outDir', 'dist-on-demand', '--logLevel', 'warn'], app)
    server = await startExampleServer()
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function popupStyle(page: Page): Promise<Record<string, string>> {
    return page.locator('.el-notification').first().evaluate((element) => {
      const style = getComputedStyle(element)
      return { position: style.position, boxShadow: style.boxShadow, width: style.width, visibility: style.visibility }
    })
  }

  for (const variant of ['full', 'on-demand'] as const) {
    it(`with Element Plus imported ${variant === 'full' ? 'fully' : 'on demand'}: one connection, messages in the store, a styled popup`, async () => {
      const served = await serveApp(join(app, `dist-${variant}`), server.origin)
      const context = await browser.newContext()
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })
      try {
        await page.goto(served.origin)
        await page.getByRole('button', { name: 'Log in as alice' }).click()
        await page.locator('.el-tag', { hasText: 'open' }).waitFor({ timeout: 10_000 })

        await server.push('alice-token', '4', { alarmId: `a-${variant}`, title: 'Pump 3 stopped', level: 'warning' })
        await server.push('alice-token', '5-2', { calcId: 'c1', calcName: 'Flow', progress: 40 })
        await server.push('alice-token', 'pump-state', { pumpId: 'p3', running: false })
        await page.locator('.alarm', { hasText: 'Pump 3 stopped' }).waitFor({ timeout: 10_000 })
        await expect.poll(() => page.locator('.unread').textContent()).toBe('1 unread')
        await expect.poll(() => page.locator('.calc').textContent()).toBe('Flow: 40 %')
        await page.getByText('p3: stopped').waitFor({ timeout: 5000 })

        const popup = page.locator('.el-notification', { hasText: 'Pump 3 stopped' })
        await popup.waitFor({ state: 'visible', timeout: 10_000 })
        const style = await popupStyle(page)
        // Element Plus's notification style: fixed in a corner, with a shadow, 330 px wide. Unstyled
        // it would be static text in the page flow.
        expect(style).toMatchObject({ position: 'fixed', width: '330px', visibility: 'visible' })
        expect(style.boxShadow).not.toBe('none')

        expect(served.streamRequests).toBe(1)
        expect(errors).toEqual([])
      } finally {
        await context.close()
        await served.close()
      }
    }, 60_000)
  }
})
