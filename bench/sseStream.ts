import { mulberry32 } from '../tests/support/random'

/**
 * A deterministic, realistic SSE byte stream: ids, a few named events, JSON envelopes with CJK text,
 * keep-alive comments, LF line endings (what servers send).
 */
export interface GeneratedStream {
  bytes: Uint8Array
  /** Dispatched events in the stream, to check that every consumer saw all of them. */
  events: number
}

const calcNames = ['稳态计算', '沙盘稳态计算', '追溯分析', '动态计算', '沙盘动态计算']
const alarmTitles = ['泵站压力过高', '管网流量异常', '水位超限 告警', 'Valve V-17 offline', '数据采集中断']

export function generateSseStream(targetBytes: number, seed = 1): GeneratedStream {
  const random = mulberry32(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const parts: string[] = ['retry: 3000\n\n']
  let size = 0
  let events = 0
  let id = 1000
  while (size < targetBytes) {
    let block: string
    const r = random()
    if (r < 0.05) {
      block = ': ping\n\n'
    } else {
      const lines: string[] = []
      // Most events carry an id; a few rely on the persisting last event id.
      if (random() < 0.9) lines.push(`id: ${id++}`)
      if (r < 0.25) lines.push(`event: ${pick(['calc', 'alarm', 'scada'])}`)
      if (r < 0.6) {
        const progress = Math.floor(random() * 100)
        const data = {
          messageType: pick(['5-2', '6-2', '0-0', '0-1', '2-1']),
          messageData: { calcId: `c-${Math.floor(random() * 5000)}`, calcName: pick(calcNames), status: 1, progress },
        }
        lines.push(`data: ${JSON.stringify(data)}`)
      } else if (r < 0.95) {
        const data = {
          messageType: pick(['4', '7']),
          messageData: {
            alarmId: `a-${id}`,
            level: pick(['info', 'warning', 'error', 'critical']),
            title: pick(alarmTitles),
            content: `${pick(alarmTitles)}：站点 ${Math.floor(random() * 300)} 读数 ${(random() * 10).toFixed(3)} MPa，请及时处理。`,
            time: 1_700_000_000_000 + id * 1000,
          },
        }
        lines.push(`data: ${JSON.stringify(data)}`)
      } else {
        // Multi-line data: pretty-printed JSON.
        const data = { messageType: '3', messageData: { message: 'SCADA 数据已拉取', rows: Math.floor(random() * 1e4) } }
        for (const line of JSON.stringify(data, null, 2).split('\n')) lines.push(`data: ${line}`)
      }
      block = `${lines.join('\n')}\n\n`
      events++
    }
    parts.push(block)
    size += Buffer.byteLength(block)
  }
  const bytes = new TextEncoder().encode(parts.join(''))
  return { bytes, events }
}

/** Views of `bytes` of `size` bytes each (the last may be shorter), like network reads. */
export function chunk(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size))
  return chunks
}
