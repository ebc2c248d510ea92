// Development only: a popup without Element Plus's style says how to import it.
import { warn } from '../core/log'

let checked = false

/**
 * Development only, once per page, right after the first popup mounted: warns when Element Plus's
 * notification style is missing. The popup then sits in the page flow as plain text instead of fixed
 * in a corner, which is what an app importing Element Plus on demand gets without importing the style.
 */
export function checkPopupStyle(): void {
  if (checked || typeof document === 'undefined' || typeof getComputedStyle !== 'function') return
  checked = true
  const popup = document.querySelector('.el-notification')
  if (popup && getComputedStyle(popup).position === 'static') {
    warn(
      "The popups have no Element Plus style, so they show as plain text in the page. Fix: import 'element-plus/es/components/notification/style/css' " +
        "(with an SCSS theme: 'element-plus/es/components/notification/style/index') in main.ts, as apps importing Element Plus on demand must (README, \"Element Plus imported on demand\").",
    )
  }
}
