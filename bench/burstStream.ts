import { mulberry32 } from '../tests/support/random'
import { LAST_CALC_ID, LAST_MESSAGE } from './pages/shared'

/** An SSE byte stream of business messages and what is in it. */
export interface MessageStream {
  text: string
  messages: number
  /** Messages that open a popup in the seed pattern (calc ends and alarms). */
  popupMessages: number
}

const CALCS = 5
const calcNames = ['瞬态计算', '沙箱瞬态计算', '管网瞬态模拟', 'Pump station transient', '水锤分析']
const alarmTitles = ['泵站压力过高', '管网流量异常', '水位超限 告警', 'Valve V-17 offline', '数据采集中断']
const levels = ['info', 'warning', 'error', 'critical']

interface Message {
  type: string
  data: Record<string, unknown>
}

function event(id: number, message: Message): string {
  return `id: ${id}\ndata: ${JSON.stringify({ messageType: message.type, messageData: message.data })}\n\n`
}

/**
 * `count` mixed messages, the shape of a busy admin session: 70% progress of 5 calcs, 25% calc starts
 * and ends (runs of start, 5 or 6 progress steps, end), 5% alarms. Calcs 1-3 are dyn (5-x), 4-5 sandbox
 * dyn (6-x). The last message ends calc 1 with `message: LAST_MESSAGE`.
 */
export function burstStream(count: number, seed = 7): MessageStream {
  const random = mulberry32(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const alarms = Math.round(count * 0.05)
  const startEnd = Math.round(count * 0.25)
  const runs = Math.floor(startEnd / 2)
  const progress = count - alarms - runs * 2
  // Per-calc queues of runs; every run has floor or ceil of the average progress steps.
  const queues: Message[][] = Array.from({ length: CALCS }, () => [])
  const base = Math.floor(progress / runs)
  let extra = progress - base * runs
  for (let run = 0; run < runs; run++) {
    const slot = run % CALCS
    const prefix = slot < 3 ? '5' : '6'
    const calcId = `calc-${slot + 1}`
    const calcName = `${calcNames[slot]} #${Math.floor(run / CALCS) + 1}`
    const steps = base + (extra-- > 0 ? 1 : 0)
    const queue = queues[slot]
    queue.push({ type: `${prefix}-0`, data: { calcId, calcName } })
    for (let step = 1; step <= steps; step++) {
      queue.push({ type: `${prefix}-2`, data: { calcId, calcName, progress: Math.round((step * 100) / (steps + 1)) } })
    }
    const ok = random() < 0.8
    queue.push({
      type: `${prefix}-1`,
      data: ok ? { calcId, calcName, status: 1 } : { calcId, calcName, status: 2, message: `第 ${run} 次计算未收敛` },
    })
  }
  // The run that ends last is calc 1's: the other calcs' queues are merged in before it finishes.
  const last = queues[0].pop()!
  last.data = { ...last.data, status: 1, message: LAST_MESSAGE }
  if (last.data.calcId !== LAST_CALC_ID) throw new Error('burst: the last message must end LAST_CALC_ID')

  const ordered: Message[] = []
  let remaining = queues.reduce((n, q) => n + q.length, 0)
  const heads = queues.map(() => 0)
  let alarmsLeft = alarms
  while (remaining + alarmsLeft > 0) {
    if (alarmsLeft > 0 && random() < alarmsLeft / (remaining + alarmsLeft)) {
      const n = alarms - alarmsLeft--
      ordered.push({
        type: random() < 0.8 ? '4' : '7',
        data: {
          alarmId: `alarm-${n}`,
          level: pick(levels),
          title: pick(alarmTitles),
          content: `${pick(alarmTitles)}：站点 ${Math.floor(random() * 300)} 读数 ${(random() * 10).toFixed(3)} MPa，请及时处理。`,
          time: 1_700_000_000_000 + n * 1000,
        },
      })
      continue
    }
    // A calc picked with probability proportional to what it has left.
    let r = random() * remaining
    let slot = 0
    for (; slot < CALCS - 1; slot++) {
      const left = queues[slot].length - heads[slot]
      if (r < left) break
      r -= left
    }
    while (heads[slot] >= queues[slot].length) slot--
    ordered.push(queues[slot][heads[slot]++])
    remaining--
  }
  ordered.push(last)
  if (ordered.length !== count) throw new Error(`burst: generated ${ordered.length} messages, wanted ${count}`)

  const popupMessages = ordered.filter((m) => m.type.endsWith('-1') || m.type === '4' || m.type === '7').length
  return { text: ordered.map((m, i) => event(i + 1, m)).join(''), messages: count, popupMessages }
}

/**
 * `count` small messages: 5 dyn calcs start, then progress steps round-robin, then they end (calc 1
 * last, with `message: LAST_MESSAGE`). About 80 bytes each.
 */
export function smallMessageStream(count: number): MessageStream {
  const parts: string[] = []
  let id = 0
  for (let c = 1; c <= CALCS; c++) parts.push(event(++id, { type: '5-0', data: { calcId: `calc-${c}` } }))
  const steps = count - CALCS * 2
  for (let i = 0; i < steps; i++) {
    const c = (i % CALCS) + 1
    parts.push(event(++id, { type: '5-2', data: { calcId: `calc-${c}`, progress: Math.floor((i * 100) / steps) } }))
  }
  for (let c = CALCS; c >= 1; c--) {
    const data: Record<string, unknown> = { calcId: `calc-${c}`, status: 1 }
    if (`calc-${c}` === LAST_CALC_ID) data.message = LAST_MESSAGE
    parts.push(event(++id, { type: '5-1', data }))
  }
  return { text: parts.join(''), messages: count, popupMessages: CALCS }
}
