import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp, h } from 'vue'
import type { App } from 'vue'
import { setActiveHub } from '../../src/composables/useSseHub'
import { ssePlugin } from '../../src/plugin'
import { createFakeFetch } from '../support/fakeFetch'
import type { FakeFetch } from '../support/fakeFetch'

// Vue Devtools through the API's own entry point (setupDevtoolsPlugin), with the Devtools side
// recorded: what the timeline and the inspector would show.

interface Recorded {
  descriptors: Array<{ id: string; app: unknown }>
  layers: Array<{ id: string; label: string }>
  events: Array<{ layerId: string; event: { title: string; subtitle?: string; data: Record<string, unknown>; logType?: string } }>
  inspectors: Array<{ id: string }>
  treeHandlers: Array<(payload: { app: unknown; inspectorId: string; rootNodes: unknown[] }) => void>
  stateHandlers: Array<(payload: { app: unknown; inspectorId: string; nodeId: string; state: Record<string, Array<{ key: string; value: unknown }>> }) => void>
  stateRefreshes: number
}

const recorded: Recorded = { descriptors: [], layers: [], events: [], inspectors: [], treeHandlers: [], stateHandlers: [], stateRefreshes: 0 }

vi.mock('@vue/devtools-api', () => ({
  setupDevtoolsPlugin(descriptor: { id: string; app: unknown }, setup: (api: unknown) => void) {
    recorded.descriptors.push(descriptor)
    setup({
      now: () => Date.now(),
      addTimelineLayer: (layer: Recorded['layers'][number]) => recorded.layers.push(layer),
      addTimelineEvent: (event: Recorded['events'][number]) => recorded.events.push(event),
      addInspector: (inspector: Recorded['inspectors'][number]) => recorded.inspectors.push(inspector),
      sendInspectorTree: () => {},
      sendInspectorState: () => recorded.stateRefreshes++,
      on: {
        getInspectorTree: (handler: Recorded['treeHandlers'][number]) => recorded.treeHandlers.push(handler),
        getInspectorState: (handler: Recorded['stateHandlers'][number]) => recorded.stateHandlers.push(handler),
      },
    })
  },
}))

let fake: FakeFetch
let app: App | undefined

beforeEach(() => {
  Object.assign(recorded, { descriptors: [], layers: [], events: [], inspectors: [], treeHandlers: [], stateHandlers: [], stateRefreshes: 0 })
  fake = createFakeFetch()
  vi.stubGlobal('fetch', fake.fetch)
})

afterEach(() => {
  app?.unmount()
  app = undefined
  setActiveHub(undefined)
  vi.unstubAllGlobals()
  vi.unstubAllEnvs()
})

function event(id: number, type: string, data: unknown): string {
  return `id: ${id}\ndata: ${JSON.stringify({ messageType: type, messageData: data })}\n\n`
}

async function startApp(): Promise<App> {
  app = createApp({ render: () => h('p') })
  app.use(createPinia())
  app.use(ssePlugin, { url: '/api/sse', token: 'alice', share: false, notify: false })
  app.mount(document.createElement('div'))
  await vi.waitFor(() => expect(recorded.descriptors).toHaveLength(1))
  return app
}

function inspectorState(target: App): Record<string, Array<{ key: string; value: unknown }>> {
  const payload = { app: target, inspectorId: recorded.inspectors[0].id, nodeId: 'hub', state: {} }
  for (const handler of recorded.stateHandlers) handler(payload)
  return payload.state
}

describe('Vue Devtools', () => {
  it('puts every message and connection change on a timeline layer of its own', async () => {
    vi.stubEnv('NODE_ENV', 'development')
    const target = await startApp()
    expect(recorded.descriptors[0].app).toBe(target)
    expect(recorded.layers.map((layer) => layer.label)).toEqual(['SSE'])

    await vi.waitFor(() => expect(fake.calls).toHaveLength(1))
    fake.calls[0].push(event(1, '5-2', { calcId: 'c1', progress: 40, note: 'x'.repeat(500) }))
    fake.calls[0].push(event(1, '5-2', { calcId: 'c1', progress: 41 }))
    await vi.waitFor(() => expect(recorded.events.some((entry) => entry.event.title.startsWith('5-2'))).toBe(true))

    const titles = recorded.events.map((entry) => entry.event.title)
    expect(titles).toEqual(expect.arrayContaining(['connecting', 'open', '5-2 dynCalcProgress', 'dropped']))
    const message = recorded.events.find((entry) => entry.event.title === '5-2 dynCalcProgress')!.event
    expect(message.subtitle).toBe('id 1')
    expect(message.data).toMatchObject({ messageType: '5-2', id: '1' })
    expect(String(message.data.payload)).toMatch(/^\{"calcId":"c1","progress":40/)
    expect(String(message.data.payload).length).toBeLessThanOrEqual(201)
    expect(recorded.events.find((entry) => entry.event.title === 'dropped')!.event.subtitle).toBe('a repeat of event 1')
  })

  it('inspects the connection, the listeners per messageType and the tab group', async () => {
    vi.stubEnv('NODE_ENV', 'development')
    const target = await startApp()
    const hub = target.config.globalProperties.$sse
    const off = hub.on('4', () => {})
    hub.on('*', () => {})
    await vi.waitFor(() => expect(fake.calls).toHaveLength(1))
    fake.calls[0].push(': ping\n\n')
    await vi.waitFor(() => expect(inspectorState(target).connection).toContainEqual({ key: 'status', value: 'open' }))

    const state = inspectorState(target)
    expect(state.connection).toContainEqual({ key: 'role', value: 'solo' })
    expect(state.listeners).toEqual([
      { key: 'all', value: 2 },
      { key: '4', value: 1 },
      { key: '*', value: 1 },
    ])
    expect(state['tab group']).toEqual([{ key: 'sharing', value: expect.stringContaining('not in a tab group') }])
    expect(recorded.stateRefreshes).toBeGreaterThan(0)
    off()
    expect(inspectorState(target).listeners).toEqual([{ key: 'all', value: 1 }, { key: '*', value: 1 }])
  })

  it('stays out of test runs, as pinia does (NODE_ENV test)', async () => {
    app = createApp({ render: () => h('p') })
    app.use(createPinia())
    app.use(ssePlugin, { url: '/api/sse', token: 'alice', share: false, notify: false })
    app.mount(document.createElement('div'))
    await vi.waitFor(() => expect(fake.calls).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(recorded.descriptors).toEqual([])
  })
})
