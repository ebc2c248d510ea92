import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { startMockServer } from '../../playground/server'

// What `npm run build` publishes, built the same way into a scratch folder, and an app compiling
// against it: the package must build, import only its peers, and type-check in a strict app
// without Node's types.

const root = fileURLToPath(new URL('../..', import.meta.url))
// Inside the repository so that the app resolves vue and pinia from its node_modules.
const scratch = join(root, 'node_modules', '.cache', 'vue-sse-hub-package-test')
const dist = join(scratch, 'dist')
const app = join(scratch, 'app')
const run = promisify(execFile)

async function npx(...args: string[]): Promise<void> {
  try {
    await run('npx', ['--no-install', ...args], { cwd: root, maxBuffer: 16 * 1024 * 1024 })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`npx ${args.join(' ')} failed:\n${stdout}\n${stderr}`)
  }
}

/** Runs a command that may fail and returns what it printed. */
async function npxOutput(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', ...args], { cwd: root, maxBuffer: 16 * 1024 * 1024 })
    return stdout + stderr
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    return stdout + stderr
  }
}

beforeAll(async () => {
  await rm(scratch, { recursive: true, force: true })
  // The steps of `npm run build`, into the scratch folder.
  await npx('vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn')
  await npx('vite', 'build', '-c', 'vite.cli.config.ts', '--outDir', dist, '--logLevel', 'warn')
  await npx('vue-tsc', '-p', 'tsconfig.build.json', '--outDir', dist)
}, 120_000)

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

describe('the built package', () => {
  it('is one ES module that imports nothing but its peer dependencies', async () => {
    const code = await readFile(join(dist, 'vue-sse-hub.js'), 'utf8')
    const peers = Object.keys(pkg.peerDependencies)
    const imported = [...code.matchAll(/^import\b[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1])
    expect(imported.length).toBeGreaterThan(0)
    expect(imported.filter((id) => !peers.some((p) => id === p || id.startsWith(`${p}/`)))).toEqual([])
    expect(existsSync(join(dist, pkg.types.replace('./dist/', '')))).toBe(true)
  })

  it("type-checks in a strict app without Node's types, and its typed API reaches the app", async () => {
    await mkdir(app, { recursive: true })
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          types: [],
          strict: true,
          noEmit: true,
          // Off, so that the package's declarations are checked themselves, not only what the app uses.
          skipLibCheck: false,
          paths: { 'vue-sse-hub': [join(dist, 'index.d.ts')] },
        },
        files: ['main.ts'],
      }),
    )
    await writeFile(
      join(app, 'main.ts'),
      [
        "import { createApp, ref } from 'vue'",
        "import { createPinia } from 'pinia'",
        "import { ssePlugin, useSseListener, EventType } from 'vue-sse-hub'",
        "const token = ref<string | null>('t')",
        "createApp({}).use(createPinia()).use(ssePlugin, { url: '/api/sse', token, notify: { locale: 'en' } })",
        'useSseListener(EventType.dynCalcProgress, (data) => console.log(data.progress))',
        "createApp({}).use(ssePlugin, { url: '/api/sse', transport: 'websocket' })",
        '',
      ].join('\n'),
    )
    const output = await npxOutput('vue-tsc', '-p', join(app, 'tsconfig.json'))
    const errors = output.split('\n').filter((line) => line.includes('error TS'))
    // The peers' own declarations do not all compile without skipLibCheck and Node's types: not ours to fix.
    const ours = errors.filter((line) => line.includes('vue-sse-hub-package-test'))
    // Exactly the one mistake the app makes on purpose: the check ran and the option types reached the app.
    expect(ours).toHaveLength(1)
    expect(ours[0]).toMatch(/app\/main\.ts\(7,\d+\): error TS2769: No overload matches this call/)
  })

  it('ships the doctor as its bin: a Node script that imports only what Node ships, and runs', async () => {
    const bin = join(dist, pkg.bin['vue-sse-hub'].replace(/^(\.\/)?dist\//, ''))
    const code = await readFile(bin, 'utf8')
    expect(code.startsWith('#!/usr/bin/env node\n')).toBe(true)
    const imported = [...code.matchAll(/^import\b[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1])
    expect(imported.filter((id) => !id.startsWith('node:'))).toEqual([])

    const server = await startMockServer({ heartbeatMs: 200, firstId: Date.now() * 1000 })
    try {
      const token = server.backend.tokens.issue('doctor')
      const args = [bin, 'doctor', server.sseUrl, '--token', token, '--trigger', `${server.url}/api/scada`, '--listen', '1s', '--replay-wait', '300ms', '--json']
      const { stdout } = await run(process.execPath, args, { cwd: root })
      const report = JSON.parse(stdout) as { ok: boolean; checks: Array<{ check: string; status: string }> }
      expect(report.checks.filter((c) => c.status === 'fail')).toEqual([])
      expect(report.ok).toBe(true)
      // A failing check makes the process exit with 1.
      const refused = run(process.execPath, [bin, 'doctor', server.sseUrl, '--token', 'wrong', '--listen', '1s'], { cwd: root })
      await expect(refused).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('FAIL  Status') })
    } finally {
      await server.close()
    }
  })
})
