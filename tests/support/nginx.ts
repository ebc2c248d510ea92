import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startChild } from './childProcess'
import { freePort } from './freePort'

/** Debian's nginx; CI installs it (`.ci/run`), the tests fail (never skip) without it. */
export const NGINX_PATH = '/usr/sbin/nginx'

export interface Nginx {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** Its error log and anything it printed. */
  output(): string
  close(): Promise<void>
}

/**
 * The SSE location of docs/backend.md (examples/nginx/sse.conf) proxying to `upstream`
 * (`http://127.0.0.1:<port>`), with `readTimeout` instead of its 1 h when given (so that a test sees
 * nginx cut a silent stream).
 */
export function docsSseLocation(upstream: string, readTimeout?: string): string {
  const location = readFileSync(fileURLToPath(new URL('../../examples/nginx/sse.conf', import.meta.url)), 'utf8').replace('http://backend', upstream)
  return readTimeout === undefined ? location : location.replace(/proxy_read_timeout [^;]+;/, `proxy_read_timeout ${readTimeout};`)
}

/** Resolves whether something accepts TCP connections on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Runs nginx in the foreground on 127.0.0.1 and a free port, with pid, logs and temp paths in a
 * temporary directory. `servers(listen)` returns what goes inside `http { }` besides the temp paths:
 * upstreams and a `server` block with `listen ${listen};`.
 */
export async function startNginx(servers: (listen: string) => string): Promise<Nginx> {
  if (!existsSync(NGINX_PATH)) {
    throw new Error(`nginx is required for this test and was not found at ${NGINX_PATH}: apt-get install -y nginx`)
  }
  const port = await freePort()
  const prefix = mkdtempSync(join(tmpdir(), 'sse-nginx-'))
  const temp = (name: string): string => join(prefix, name)
  writeFileSync(
    temp('nginx.conf'),
    `
worker_processes 1;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 256; }
http {
  access_log ${temp('access.log')};
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
${servers(`127.0.0.1:${port}`)}
}
`,
  )
  // Run from Node, not a shell: a shell that exits leaves a zombie master behind.
  const child = await startChild(NGINX_PATH, ['-p', prefix, '-c', temp('nginx.conf'), '-g', 'daemon off;'], () => accepts(port), {
    timeoutMs: 5000,
  }).catch((error: unknown) => {
    rmSync(prefix, { recursive: true, force: true })
    throw error
  })
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => {
      let log = child.output()
      try {
        log += readFileSync(temp('error.log'), 'utf8')
      } catch {
        // no error log yet
      }
      return log
    },
    async close() {
      await child.stop()
      rmSync(prefix, { recursive: true, force: true })
    },
  }
}
