import { runCli } from './cli'

// The package's `bin`: built to dist/cli.js with a `#!/usr/bin/env node` line.
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => exit(code),
  (error: unknown) => {
    process.stderr.write(`vue-sse-hub: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    exit(2)
  },
)

// Exit once the report is written, without waiting for idle keep-alive sockets of the trigger.
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code))
}
