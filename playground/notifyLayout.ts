import { defaultRenderers } from '../src/index'
import type { NotifyRenderer } from '../src/index'

/** Popups start below the 60 px header, so its buttons (sign out) are never covered. */
export const POPUP_OFFSET = 72

/** The built-in renderers, each popup moved below the header. */
export function rendersBelowHeader(): Record<string, NotifyRenderer> {
  const renderers: Record<string, NotifyRenderer> = {}
  for (const [type, render] of Object.entries(defaultRenderers)) {
    renderers[type] = (message, context) => {
      const popup = render(message, context)
      return popup ? { ...popup, offset: POPUP_OFFSET } : popup
    }
  }
  return renderers
}
