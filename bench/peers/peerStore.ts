import { defineStore } from 'pinia'
import { ref } from 'vue'

// The store an app writes by hand when it wires SSE itself: the same shape as vue-sse-hub's (calcs by
// id, alarms newest first with the same bound, SCADA, a received counter), plain deep refs, the
// obvious code. The seed and useEventSource contenders both feed it.

export type PeerCalcKind = 'steady' | 'sandboxSteady' | 'trace' | 'dyn' | 'sandboxDyn'

export interface PeerCalc {
  id: string
  kind: PeerCalcKind
  name: string | null
  status: 'running' | 'succeeded' | 'failed'
  progress: number
  startedAt: number | null
  endedAt: number | null
  message: string | null
  data: Record<string, unknown>
}

export interface PeerAlarm {
  id: string
  type: string
  level: string
  title: string
  content: string
  time: string | number | null
  receivedAt: number
  read: boolean
  data: Record<string, unknown>
}

const MAX_ALARMS = 500

export const usePeerStore = defineStore('notice', () => {
  const calcs = ref<Record<string, PeerCalc>>({})
  const alarms = ref<PeerAlarm[]>([])
  const scada = ref<{ lastPulledAt: number | null; data: Record<string, unknown> | null }>({ lastPulledAt: null, data: null })
  const received = ref(0)

  function calcRecord(kind: PeerCalcKind, data: Record<string, unknown>): PeerCalc {
    const id = String(data.calcId ?? kind)
    let record = calcs.value[id]
    if (!record) {
      calcs.value[id] = {
        id,
        kind,
        name: null,
        status: 'running',
        progress: 0,
        startedAt: null,
        endedAt: null,
        message: null,
        data,
      }
      record = calcs.value[id]
    }
    if (typeof data.calcName === 'string') record.name = data.calcName
    record.data = data
    return record
  }

  function calcStart(kind: PeerCalcKind, data: Record<string, unknown>): void {
    received.value++
    const record = calcRecord(kind, data)
    record.status = 'running'
    record.progress = 0
    record.startedAt = Date.now()
    record.endedAt = null
    record.message = null
  }

  function calcProgress(kind: PeerCalcKind, data: Record<string, unknown>): void {
    received.value++
    const record = calcRecord(kind, data)
    if (typeof data.progress === 'number' && data.progress > record.progress) record.progress = data.progress
  }

  function calcEnd(kind: PeerCalcKind, data: Record<string, unknown>, success: boolean): void {
    received.value++
    const record = calcRecord(kind, data)
    record.status = success ? 'succeeded' : 'failed'
    if (success) record.progress = 100
    record.endedAt = Date.now()
    if (typeof data.message === 'string') record.message = data.message
  }

  function addAlarm(type: string, data: Record<string, unknown>): void {
    received.value++
    alarms.value.unshift({
      id: String(data.alarmId ?? `${type}-${received.value}`),
      type,
      level: typeof data.level === 'string' ? data.level : 'warning',
      title: typeof data.title === 'string' ? data.title : '',
      content: typeof data.content === 'string' ? data.content : '',
      time: typeof data.time === 'string' || typeof data.time === 'number' ? data.time : null,
      receivedAt: Date.now(),
      read: false,
      data,
    })
    if (alarms.value.length > MAX_ALARMS) alarms.value.length = MAX_ALARMS
  }

  function scadaPulled(data: Record<string, unknown>): void {
    received.value++
    scada.value = { lastPulledAt: Date.now(), data }
  }

  return { calcs, alarms, scada, received, calcStart, calcProgress, calcEnd, addAlarm, scadaPulled }
})

export type PeerStore = ReturnType<typeof usePeerStore>
