import { execFile } from 'node:child_process'
import { cp, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises'
import { createReadStream, existsSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

// A user's app, as a user gets it: the package packed with `npm pack`, installed from the tarball
// with npm, in a copy of examples/app; everything else the app depends on linked from this
// repository's node_modules (the test downloads nothing).

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)

/** Runs a command; the error carries what it printed. */
export async function exec(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 })
    return stdout + stderr
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`)
  }
}

/** A tool of this repository's node_modules, run with node (the scratch app has no .bin). */
export function tool(pkg: string, bin: string, args: string[], cwd: string): Promise<string> {
  return exec(process.execPath, [join(repoRoot, 'node_modules', pkg, bin), ...args], cwd)
}

/** `npm pack` of the repository (its prepack script builds the dist) into `destination`; the tarball's path. */
export async function packTarball(destination: string): Promise<string> {
  await mkdir(destination, { recursive: true })
  await exec('npm', ['pack', '--pack-destination', destination], repoRoot)
  const tarballs = (await readdir(destination)).filter((file) => file.endsWith('.tgz'))
  if (tarballs.length !== 1) throw new Error(`npm pack left ${tarballs.length} tarballs in ${destination}`)
  return join(destination, tarballs[0])
}

/**
 * Copies examples/app to `app`, installs the tarball there with npm (offline: the package must need
 * nothing from the registry) and links every other dependency of the app from this repository.
 * Returns what npm printed.
 */
export async function prepareApp(app: string, tarball: string): Promise<string> {
  await cp(join(repoRoot, 'examples/app'), app, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist)$/.test(source),
  })
  const manifest = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
    devDependencies: Record<string, string>
  }
  // npm would fetch the app's other dependencies; the installation under test is the package's own.
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
  const npmOutput = await exec('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', '--no-package-lock'], app)
  await writeFile(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  // npm 7+ installs a package's peers that the app does not list (here: the Devtools API pinia brings).
  const { peerDependencies } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> }
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...peerDependencies })) {
    if (name === 'vue-sse-hub') continue
    const target = join(repoRoot, 'node_modules', name)
    if (!existsSync(target)) throw new Error(`examples/app depends on ${name}, which is not in this repository's node_modules`)
    await mkdir(dirname(join(app, 'node_modules', name)), { recursive: true })
    await symlink(target, join(app, 'node_modules', name), 'dir')
  }
  return npmOutput
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/** Serves a built app on 127.0.0.1 and forwards `/api/*` to `backend`, as a production proxy would. */
export interface AppServer {
  origin: string
  /** Stream requests forwarded to the backend so far. */
  streamRequests: number
  close(): Promise<void>
}

export async function serveApp(dist: string, backend: string): Promise<AppServer> {
  const files = new Set((await readdir(dist, { recursive: true })).map((file) => `/${file}`))
  const state = { streamRequests: 0 }
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname.startsWith('/api/')) {
      if (url.pathname === '/api/sse') state.streamRequests++
      const upstream = request(`${backend}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.writeHead(502).end())
      res.on('close', () => upstream.destroy())
      req.pipe(upstream)
      return
    }
    const path = files.has(normalize(url.pathname)) ? normalize(url.pathname) : '/index.html'
    res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' })
    createReadStream(join(dist, path)).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get streamRequests() {
      return state.streamRequests
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
