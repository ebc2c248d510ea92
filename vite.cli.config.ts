import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The `vue-sse-hub doctor` command: one Node ES module, dist/cli.js, built beside the library (after
// it: the library build empties dist/). Node's own modules stay imports; everything else is bundled.
export default defineConfig({
  build: {
    ssr: fileURLToPath(new URL('./src/doctor/bin.ts', import.meta.url)),
    outDir: 'dist',
    emptyOutDir: false,
    target: 'node20',
    sourcemap: false,
    minify: false,
    rolldownOptions: {
      output: { entryFileNames: 'cli.js', banner: '#!/usr/bin/env node' },
    },
  },
  ssr: { noExternal: true },
})
