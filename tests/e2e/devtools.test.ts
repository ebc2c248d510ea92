import type { Browser, Page } from 'playwright-core'
import VueDevTools from 'vite-plugin-vue-devtools'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startPlayground } from '../support/browser'
import type { Playground } from '../support/browser'
import { launchChromium } from '../support/chromium'
import { signIn, waitForShown } from '../support/playgroundPage'

// Vue Devtools for real: the playground in development, with the Devtools that vite-plugin-vue-devtools
// runs inside the page (the same kit as the browser extension), in Chromium. What a developer opening
// the Devtools panel would be shown is read from the kit's own API in the page.

let browser: Browser
let playground: Playground

beforeAll(async () => {
  ;[browser, playground] = await Promise.all([launchChromium(), startPlayground([VueDevTools()])])
})

afterAll(async () => {
  await Promise.allSettled([browser?.close(), playground?.close()])
})

type Rows = Record<string, Array<{ key: string; value: unknown }>>

/** The state the Devtools show in the "SSE hub" inspector, asked of the kit in the page. */
function inspectorState(page: Page): Promise<Rows> {
  return page.evaluate(async () => {
    const kit = (globalThis as unknown as { __VUE_DEVTOOLS_KIT_CONTEXT__: { api: { getInspectorState(query: object): Promise<unknown> } } })
      .__VUE_DEVTOOLS_KIT_CONTEXT__
    return (await kit.api.getInspectorState({ inspectorId: 'dev.vue-sse-hub', nodeId: 'hub' })) as Rows
  })
}

const row = (rows: Rows, section: string, key: string): unknown => rows[section]?.find((entry) => entry.key === key)?.value

describe('Vue Devtools in the playground', () => {
  test('an "SSE hub" inspector shows the stream, the listeners and the tab group, and an SSE timeline layer is there', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    try {
      await signIn(page, playground.url, 'devtools-user')
      await page.locator('[data-test=alarm-send]').click()
      await waitForShown(page, '[data-test=alarm-title]')

      const kit = await page.evaluate(() => {
        const target = globalThis as unknown as {
          __VUE_DEVTOOLS_KIT_INSPECTOR__: Array<{ options: { id: string; label: string } }>
          __VUE_DEVTOOLS_KIT_CONTEXT__: { state: { timelineLayersState: Record<string, boolean> } }
        }
        return {
          inspectors: target.__VUE_DEVTOOLS_KIT_INSPECTOR__.map((inspector) => inspector.options.label),
          layers: Object.keys(target.__VUE_DEVTOOLS_KIT_CONTEXT__.state.timelineLayersState),
        }
      })
      expect(kit.inspectors).toContain('SSE hub')
      expect(kit.layers).toContain('dev.vue-sse-hub')

      const state = await inspectorState(page)
      expect(row(state, 'connection', 'status')).toBe('open')
      expect(row(state, 'connection', 'role')).toBe('leader')
      expect(String(row(state, 'connection', 'lastEventId'))).toMatch(/^\d+$/)
      expect(row(state, 'tab group', 'role')).toBe('leader')
      expect(row(state, 'listeners', 'all')).toEqual(expect.any(Number))
    } finally {
      await context.close()
    }
  })
})
