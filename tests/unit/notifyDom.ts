import ElementPlus, { ElNotification } from 'element-plus'
import { vi } from 'vitest'
import type { App, AppContext } from 'vue'
import { createApp, nextTick } from 'vue'

/** A real Vue app with Element Plus, mounted in the document, whose context popups render in. */
export function mountApp(): { app: App; appContext: AppContext; unmount: () => void } {
  const root = document.createElement('div')
  document.body.appendChild(root)
  const app = createApp({ render: () => null })
  app.use(ElementPlus)
  app.mount(root)
  return {
    app,
    appContext: app._context,
    unmount: () => {
      app.unmount()
      root.remove()
    },
  }
}

/** Every notification element in the document (closing ones included until they leave). */
export function popups(selector = ''): HTMLElement[] {
  return [...document.body.querySelectorAll<HTMLElement>(`.el-notification${selector}`)]
}

/** What a user sees of one popup. */
export function describePopup(el: HTMLElement): { title: string; text: string; type: string | undefined } {
  const icon = el.querySelector('.el-notification__icon')
  const typeClass = [...(icon?.classList ?? [])].find((c) => c.startsWith('el-notification--'))
  return {
    title: el.querySelector('.el-notification__title')?.textContent ?? '',
    text: el.querySelector('.el-notification__content')?.textContent ?? '',
    type: typeClass?.slice('el-notification--'.length),
  }
}

/** Lets Vue render pending updates. */
export async function flush(): Promise<void> {
  await nextTick()
  await nextTick()
}

/** Resolves once no notification element is left in the document (after the leave transition). */
export async function waitUntilGone(selector = ''): Promise<void> {
  await vi.waitFor(
    () => {
      if (popups(selector).length > 0) throw new Error(`${popups(selector).length} notifications still in the document`)
    },
    { timeout: 3000, interval: 5 },
  )
}

/** Closes every popup (ours and others) and waits until they have left the document. */
export async function closeEverything(): Promise<void> {
  ElNotification.closeAll()
  await waitUntilGone()
}
