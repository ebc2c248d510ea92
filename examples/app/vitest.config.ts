import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

// Component tests run in a simulated DOM; everything else is the app's own Vite config.
export default mergeConfig(viteConfig, defineConfig({ test: { environment: 'happy-dom' } }))
