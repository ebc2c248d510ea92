// `this.$sse` in component templates and options: the type of the global property the plugin sets.
import type { SseHub } from './hub'

declare module 'vue' {
  interface ComponentCustomProperties {
    /** The SSE hub of the app: `this.$sse.on('4', alarm => ...)`, `this.$sse.status`. */
    $sse: SseHub
  }
}

export {}
