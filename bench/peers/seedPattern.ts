import { ElNotification } from 'element-plus'
import type { PeerCalcKind, PeerStore } from './peerStore'

// The pattern apps start from (native EventSource, JSON.parse, a listener map keyed by messageType,
// one popup per end/alarm message rendered as HTML), ported to TypeScript as written, with its store
// wiring. Only the console is replaceable: a production build usually strips console calls, and
// leaving them in would make this contender slower than what users ship.

// sse通知类型枚举 (the seed's enum, unchanged)
export enum EventType {
  'steadyCalcStart' = '0-0',
  'steadyCalcEnd' = '0-1',
  'sandBoxSteadyCalcStart' = '1-0',
  'sandBoxSteadyCalcEnd' = '1-1',
  'traceCalcStart' = '2-0',
  'traceCalcEnd' = '2-1',
  'scada' = '3',
  'eventAlarm' = '4',
  'dynCalcStart' = '5-0',
  'dynCalcEnd' = '5-1',
  'dynCalcProgress' = '5-2',
  'sandBoxDynCalcStart' = '6-0',
  'sandBoxDynCalcEnd' = '6-1',
  'sandBoxDynCalcProgress' = '6-2',
  'dataAnomaly' = '7',
}

type SeedData = Record<string, unknown>
type SeedHandler = (data: SeedData) => void

/** The console the pattern writes to; `setSeedConsole` swaps it (see above). */
let seedConsole: Pick<Console, 'log' | 'warn'> = console

export function setSeedConsole(target: Pick<Console, 'log' | 'warn'>): void {
  seedConsole = target
}

// sse消息监听对象
class SSE {
  [type: string]: unknown

  /** 添加消息监听: several listeners of one type all run. Returns `{ destroy, listenFun }`. */
  addMessageListen(type: EventType, handle: SeedHandler): { destroy: () => void; listenFun: SeedHandler } {
    if (!this[type]) this[type] = []
    ;(this[type] as SeedHandler[]).push(handle)

    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const _this = this
    return {
      destroy: function () {
        _this.deleteMessageListen(type, handle)
      },
      listenFun: handle,
    }
  }

  /** 移除消息监听 */
  deleteMessageListen(type: EventType, listenFun: SeedHandler): boolean {
    const list = this[type] as SeedHandler[] | undefined
    if (list) {
      for (let i = 0; i < list.length; i++) {
        if (list[i] === listenFun) {
          list.splice(i, 1)
          return true
        }
      }
    }
    seedConsole.warn('所要删除的类型或监听对象不存在：', type, listenFun)
    return false
  }

  /** 清空该类型下所有监听 */
  clearMessageListen(type: EventType): void {
    this[type] = []
  }
}
export const sseObj = new SSE()

let sseEventObj: EventSource | null = null

/** 创建SSE连接 */
export function createSSE(url: string): EventSource {
  if (sseEventObj) return sseEventObj

  sseEventObj = new EventSource(url)

  sseEventObj.onopen = function () {
    seedConsole.log('SSE已成功打开')
  }

  sseEventObj.onerror = function (event) {
    seedConsole.warn('SSE连接断开', event)
  }

  sseEventObj.onmessage = function (event: MessageEvent<string>) {
    seedConsole.log('SSE接收到消息:', event)

    const result: {
      messageType: string
      messageData: SeedData
    } = JSON.parse(event.data)
    seedConsole.log(result)

    // sseObj对象上挂载了不同messageType的值对应的处理方法
    const listeners = sseObj[result.messageType] as SeedHandler[] | undefined
    if (listeners) {
      for (const item of listeners) {
        item(result.messageData)
      }
    } else {
      seedConsole.warn('未检测到sse监听对象：', result.messageData)
    }
  }
  return sseEventObj
}

const calcStatusLabel: Record<string, string> = { 1: '成功', 2: '失败' }
const calcSuccessStatus: unknown[] = [1]

/** The seed's `Notice.messageBox`: an Element Plus notification whose message is HTML. */
const Notice = {
  messageBox(options: { title: string; message: string; Html: boolean; type: 'success' | 'error' | 'warning' }): void {
    ElNotification({
      title: options.title,
      message: options.message,
      dangerouslyUseHTMLString: options.Html,
      type: options.type,
    })
  },
}

const calcTitles: Record<string, string> = {
  [EventType.steadyCalcEnd]: '稳态计算结束',
  [EventType.sandBoxSteadyCalcEnd]: '沙箱稳态计算结束',
  [EventType.dynCalcEnd]: '瞬态计算结束',
  [EventType.sandBoxDynCalcEnd]: '沙箱瞬态计算结束',
}

/** messageType对应的处理方法挂载: store updates plus one popup per end and alarm message. */
export function mountSeedListeners(store: PeerStore): void {
  const calcTypes: Array<[EventType, EventType, EventType | null, PeerCalcKind]> = [
    [EventType.steadyCalcStart, EventType.steadyCalcEnd, null, 'steady'],
    [EventType.sandBoxSteadyCalcStart, EventType.sandBoxSteadyCalcEnd, null, 'sandboxSteady'],
    [EventType.dynCalcStart, EventType.dynCalcEnd, EventType.dynCalcProgress, 'dyn'],
    [EventType.sandBoxDynCalcStart, EventType.sandBoxDynCalcEnd, EventType.sandBoxDynCalcProgress, 'sandboxDyn'],
  ]
  for (const [start, end, progress, kind] of calcTypes) {
    sseObj.addMessageListen(start, (data) => store.calcStart(kind, data))
    if (progress) sseObj.addMessageListen(progress, (data) => store.calcProgress(kind, data))
    // 计算完成
    sseObj.addMessageListen(end, (data) => {
      const success = calcSuccessStatus.includes(data.status)
      store.calcEnd(kind, data, success)
      let message = `<p>计算名称：${data.calcName}</p><p>状态：${calcStatusLabel[String(data.status)]}</p>`
      if (!success) message += `<p>信息：${data.message}</p>`

      Notice.messageBox({
        title: calcTitles[end],
        message: message,
        Html: true,
        type: success ? 'success' : 'error',
      })
    })
  }
  sseObj.addMessageListen(EventType.traceCalcStart, (data) => store.calcStart('trace', data))
  sseObj.addMessageListen(EventType.traceCalcEnd, (data) => store.calcEnd('trace', data, data.isTrace === 1))
  sseObj.addMessageListen(EventType.scada, (data) => store.scadaPulled(data))
  for (const type of [EventType.eventAlarm, EventType.dataAnomaly]) {
    sseObj.addMessageListen(type, (data) => {
      store.addAlarm(type, data)
      Notice.messageBox({
        title: type === EventType.eventAlarm ? '事件告警' : '数据异常',
        message: `<p>${data.title}</p><p>${data.content}</p>`,
        Html: true,
        type: 'warning',
      })
    })
  }
}
