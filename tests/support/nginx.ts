import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const NGINX = '/usr/sbin/nginx'

/** A real nginx on 127.0.0.1, run in the foreground with everything it writes in a temporary folder. */
export interface Nginx {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  stop(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

/**
 * Starts nginx with `locations` (the `location` blocks of its one server) and waits until `readyPath`
 * answers `readyStatus`.
 */
export async function startNginx(locations: string, ready: { path: string; status: number }): Promise<Nginx> {
  if (!existsSync(NGINX)) {
    throw new Error(`nginx is required for this test and was not found at ${NGINX}: apt-get install -y nginx`)
  }
  const port = await freePort()
  const prefix = mkdtempSync(join(tmpdir(), 'sse-nginx-'))
  const temp = (name: string): string => join(prefix, name)
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `
worker_processes 1;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 64; }
http {
  access_log ${temp('access.log')};
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  server {
    listen 127.0.0.1:${port};
${locations}
  }
}
`,
  )
  let log = ''
  const nginx: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  nginx.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    if (nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('exit', resolve))
      nginx.kill('SIGTERM')
      await Promise.race([exited, sleep(2000)])
      if (nginx.exitCode === null) nginx.kill('SIGKILL')
    }
    rmSync(prefix, { recursive: true, force: true })
  }
  const started = Date.now()
  for (;;) {
    try {
      const response = await fetch(`${url}${ready.path}`)
      await response.body?.cancel()
      if (response.status === ready.status) break
    } catch {
      // not listening yet
    }
    if (nginx.exitCode !== null || Date.now() - started > 5000) {
      await stop()
      throw new Error(`nginx did not start: ${log}`)
    }
    await sleep(50)
  }
  return { url, port, stop }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
