/** Pushes one message to a user (or `'all'`) and returns its event id. */
export type SendFn = (user: string, messageType: string, messageData: unknown) => string

/** The calc kinds the simulator runs, by the name used in `POST /api/calc {kind}`. */
export type SimulatedCalcKind = 'steady' | 'sandboxSteady' | 'trace' | 'dyn' | 'sandboxDyn'

export interface SimulatorOptions {
  /**
   * Interval between progress messages of transient calcs, in ms.
   * @default 300
   */
  progressMs?: number
  /**
   * Progress added per progress message.
   * @default 10
   */
  progressStep?: number
  /**
   * Duration range of steady and trace calcs, in ms.
   * @default [1000, 2000]
   */
  steadyMs?: readonly [number, number]
  /**
   * Probability that a calc ends successfully.
   * @default 0.7
   */
  successRate?: number
  /** @default Math.random */
  random?: () => number
}

export interface CalcRequest {
  kind: SimulatedCalcKind
  calcName?: string
  /** Force the outcome instead of drawing it. */
  outcome?: 'success' | 'failure'
}

export interface AlarmRequest {
  /** @default 1 */
  count?: number
  /** @default 'warning' */
  level?: string
  /** Put HTML/script payloads in title and content (they must render as text). */
  xss?: boolean
}

/** Simulates the business backend: calculations, SCADA pulls, alarms and anomalies. */
export interface Simulator {
  /** Starts a calc; its messages follow over time. Returns its calcId. */
  calc(user: string, request: CalcRequest): string
  scada(user: string): string
  alarm(user: string, request?: AlarmRequest): string[]
  anomaly(user: string): string
  /** Cancels every running calc. */
  stop(): void
}

const codes: Record<SimulatedCalcKind, { prefix: string; transient: boolean; label: string }> = {
  steady: { prefix: '0', transient: false, label: '稳态计算' },
  sandboxSteady: { prefix: '1', transient: false, label: '沙盘稳态计算' },
  trace: { prefix: '2', transient: false, label: '追踪计算' },
  dyn: { prefix: '5', transient: true, label: '动态计算' },
  sandboxDyn: { prefix: '6', transient: true, label: '沙盘动态计算' },
}

export function isSimulatedCalcKind(value: unknown): value is SimulatedCalcKind {
  return typeof value === 'string' && Object.hasOwn(codes, value)
}

export function createSimulator(send: SendFn, options: SimulatorOptions = {}): Simulator {
  const progressMs = options.progressMs ?? 300
  const progressStep = options.progressStep ?? 10
  const [minMs, maxMs] = options.steadyMs ?? [1000, 2000]
  const successRate = options.successRate ?? 0.7
  const random = options.random ?? Math.random
  const timers = new Set<ReturnType<typeof setTimeout>>()
  let calcSeq = 0
  let alarmSeq = 0

  function later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer)
      run()
    }, ms)
    timers.add(timer)
  }

  function calc(user: string, request: CalcRequest): string {
    const code = codes[request.kind]
    const calcId = `${request.kind}-${++calcSeq}`
    const calcName = request.calcName ?? `${code.label} #${calcSeq}`
    const success = request.outcome ? request.outcome === 'success' : random() < successRate
    send(user, `${code.prefix}-0`, { calcId, calcName })
    const end = (): void => {
      const data: Record<string, unknown> = success
        ? { calcId, calcName, status: 1, message: '计算完成' }
        : { calcId, calcName, status: 0, message: '计算失败：模型不收敛' }
      if (request.kind === 'trace') data.isTrace = success ? 1 : 0
      send(user, `${code.prefix}-1`, data)
    }
    if (!code.transient) {
      later(minMs + random() * (maxMs - minMs), end)
      return calcId
    }
    let progress = 0
    const tick = (): void => {
      progress = Math.min(100, progress + progressStep)
      send(user, `${code.prefix}-2`, { calcId, calcName, progress })
      if (progress < 100) later(progressMs, tick)
      else later(progressMs, end)
    }
    later(progressMs, tick)
    return calcId
  }

  function alarm(user: string, request: AlarmRequest = {}): string[] {
    const count = Math.max(1, Math.min(1000, Math.floor(request.count ?? 1)))
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const alarmId = `alarm-${++alarmSeq}`
      ids.push(
        send(user, '4', {
          alarmId,
          level: request.level ?? 'warning',
          title: request.xss ? `<img src=x onerror="window.__xss=1">告警 ${alarmSeq}` : `管网压力告警 ${alarmSeq}`,
          content: request.xss
            ? `<script>window.__xss=1</script><b>bold?</b>`
            : `监测点 P-${100 + (alarmSeq % 50)} 压力超出上限`,
          time: new Date().toISOString(),
        }),
      )
    }
    return ids
  }

  return {
    calc,
    alarm,
    scada(user) {
      return send(user, '3', { message: 'SCADA 数据已手动拉取', pulledAt: new Date().toISOString() })
    },
    anomaly(user) {
      const alarmId = `anomaly-${++alarmSeq}`
      return send(user, '7', {
        alarmId,
        level: 'warning',
        title: `数据异常 ${alarmSeq}`,
        content: '流量计 F-12 数据缺失超过 10 分钟',
        time: new Date().toISOString(),
      })
    },
    stop() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
  }
}
