// Finds the hub: the one the plugin provided to this component tree, else the active one.
import { hasInjectionContext, inject } from 'vue'
import { SseError } from '../core/errors'
import { LOG_PREFIX } from '../core/log'
import type { SseHub } from '../hub'
import { sseHubKey } from '../keys'

let activeHub: SseHub | undefined

/**
 * Makes a hub the one `useSseHub()` falls back to outside components (router guards, plain modules,
 * tests). `ssePlugin` sets it in the browser (never during server-side rendering); pass `undefined` to
 * clear it. Returns the previous one.
 */
export function setActiveHub(hub: SseHub | undefined): SseHub | undefined {
  const previous = activeHub
  activeHub = hub
  return previous
}

/** The hub set by `setActiveHub` (or by the most recent `ssePlugin` app still mounted), if any. */
export function getActiveHub(): SseHub | undefined {
  return activeHub
}

/**
 * The hub of the current app: the one `ssePlugin` provided to this component tree, else the active
 * one. Throws an `SseError` of kind `config` when there is none.
 */
export function useSseHub(): SseHub {
  const hub = (hasInjectionContext() ? inject(sseHubKey, null) : null) ?? activeHub
  if (!hub) {
    throw new SseError(
      'config',
      `${LOG_PREFIX} No SSE hub found` +
        (__DEV__
          ? '. Install the plugin first: app.use(ssePlugin, { url, token }); outside a component, call ' +
            'setActiveHub(createSseHub(options)) before using the composables.'
          : ''),
    )
  }
  return hub
}
