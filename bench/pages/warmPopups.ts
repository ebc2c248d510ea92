import { ElNotification } from 'element-plus'
import { nextTick } from 'vue'

/**
 * Does once, before any message, what the first popups of a burst otherwise do cold: initialise ICU with
 * the built-in popups' date format, and mount one Element Plus notification (into a detached element,
 * so nothing shows; in a corner the library's popups do not use) and close it after a render, as a
 * popup closed in the tick it opened never leaves Element Plus's list. The page imports this module
 * on demand, as the library loads its popups, so the page's chunks stay those of the cold page.
 */
export async function warmPopups(): Promise<void> {
  new Intl.DateTimeFormat('zh-CN', { dateStyle: 'short', timeStyle: 'medium' }).format(0)
  const popup = ElNotification({
    title: 'warm',
    message: 'warm',
    duration: 0,
    position: 'bottom-left',
    appendTo: document.createElement('div'),
  })
  await nextTick()
  popup.close()
}
