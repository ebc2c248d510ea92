// Vue Devtools, in development builds: a timeline layer with every message and connection change of
// the hub, and an inspector with its connection, listener counts and tab group. The plugin loads this
// module on demand behind `__DEV__`, so production builds hold none of it.
import { setupDevtoolsPlugin } from '@vue/devtools-api'
import type { App } from 'vue'
import type { SseHub } from '../hub'
import { tapHub } from '../hub/devtoolsTap'
import { toInspectorState, toTimelineEntry } from './devtoolsView'
import type { InspectorState, TimelineEntry } from './devtoolsView'

const ID = 'dev.vue-sse-hub'

/** The part of the Devtools plugin API used here (the same in @vue/devtools-api 6, 7 and 8). */
interface DevtoolsApi {
  now(): number
  addTimelineLayer(options: { id: string; label: string; color: number }): void
  addTimelineEvent(options: { layerId: string; event: TimelineEntry }): void
  addInspector(options: { id: string; label: string; icon: string; treeFilterPlaceholder?: string }): void
  sendInspectorTree(inspectorId: string): void
  sendInspectorState(inspectorId: string): void
  on: {
    getInspectorTree(handler: (payload: { app: unknown; inspectorId: string; rootNodes: Array<{ id: string; label: string }> }) => void): void
    getInspectorState(handler: (payload: { app: unknown; inspectorId: string; nodeId: string; state: InspectorState }) => void): void
  }
}

/** Registers the hub of `app` with Vue Devtools. */
export function setupDevtools(app: App, hub: SseHub): void {
  setupDevtoolsPlugin({ id: ID, label: 'SSE hub', packageName: 'vue-sse-hub', homepage: 'https://www.npmjs.com/package/vue-sse-hub', app }, (setupApi) => {
    const api = setupApi as unknown as DevtoolsApi
    // Devtools 7+ time the timeline in ms since epoch, as the hub records its events; 6 from page load.
    const epochClock = typeof api.now !== 'function' || api.now() > 1e12
    const timeOf = (at: number): number => (epochClock ? at : api.now())
    const seenTypes = new Set<string>()
    api.addTimelineLayer({ id: ID, label: 'SSE', color: 0x409eff })
    api.addInspector({ id: ID, label: 'SSE hub', icon: 'podcasts' })

    const tap = tapHub(hub, (event, at) => {
      if (event.kind === 'message') seenTypes.add(event.message.type)
      api.addTimelineEvent({ layerId: ID, event: toTimelineEntry(event, timeOf(at)) })
      if (event.kind !== 'message') api.sendInspectorState(ID)
    })
    if (!tap) return
    api.on.getInspectorTree((payload) => {
      if (payload.app === app && payload.inspectorId === ID) payload.rootNodes = [{ id: 'hub', label: 'SSE hub' }]
    })
    api.on.getInspectorState((payload) => {
      if (payload.app === app && payload.inspectorId === ID) payload.state = toInspectorState(hub.store?.connection, tap.inspect(), seenTypes)
    })
    app.onUnmount(() => tap.off())
  })
}
