import type { SseHub } from './hub'

declare module 'vue' {
  interface ComponentCustomProperties {
    /** The SSE hub of the app: `this.$sse.on('4', alarm => ...)`, `this.$sse.status`. */
    $sse: SseHub
  }
}

export {}
