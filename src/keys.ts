// The injection key the plugin provides the hub under.
import type { InjectionKey } from 'vue'
import type { SseHub } from './hub'

/** Where `ssePlugin` provides the hub; `useSseHub()` reads it. */
export const sseHubKey: InjectionKey<SseHub> = /* @__PURE__ */ Symbol(__DEV__ ? 'vue-sse-hub' : '')
