// Anywhere the app's tsconfig includes (here src/sse-messages.d.ts). The import makes this file a
// module, so the block below adds to vue-sse-hub's types; without it, it would replace them.
import 'vue-sse-hub'

declare module 'vue-sse-hub' {
  interface SseMessageMap {
    'pump-state': { pumpId: string; running: boolean }
  }
}
