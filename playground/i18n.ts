import en from 'element-plus/es/locale/lang/en'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import type { Language } from 'element-plus/es/locale'

/** Languages of the playground; the same codes as the plugin's `notify.locale`. */
export type PlaygroundLocale = 'zh-CN' | 'en'

const STORAGE_KEY = 'water-ops.locale'

const zhTexts = {
  title: '水网运行调度平台',
  subtitle: 'Water network operations',
  menu: { overview: '运行总览', calcs: '计算任务', alarms: '告警中心', faults: '故障演练' },
  login: {
    heading: '登录',
    hint: '演示环境：输入任意用户名即可登录',
    username: '用户名',
    submit: '登录',
    failed: '登录失败',
  },
  logout: '退出登录',
  language: 'English',
  connection: {
    title: '实时连接',
    status: '状态',
    role: '角色',
    lastEventId: '最后事件 ID',
    reconnects: '重连次数',
    received: '已接收消息',
    malformed: '格式错误',
    unknownType: '未知类型',
    lastError: '最近错误',
    none: '无',
    reconnect: '重新连接',
    statuses: { idle: '未连接', connecting: '连接中', open: '已连接', reconnecting: '重连中', closed: '已关闭' },
    roles: { solo: '独立', leader: '主标签页', follower: '从标签页' },
  },
  calc: {
    title: '计算任务',
    start: '开始计算',
    kinds: { steady: '稳态', sandboxSteady: '沙箱稳态', trace: '溯源', dyn: '瞬态', sandboxDyn: '沙箱瞬态' },
    statuses: { idle: '未运行', running: '运行中', succeeded: '成功', failed: '失败' },
    started: '已提交',
  },
  scada: { title: 'SCADA 数据', pull: '手动拉取', lastPulled: '最近拉取', never: '尚未拉取' },
  alarms: {
    title: '告警中心',
    unread: '未读',
    level: '级别',
    alarmTitle: '标题',
    content: '内容',
    time: '时间',
    kind: '类型',
    kinds: { alarm: '事件告警', anomaly: '数据异常' },
    levels: { info: '提示', warning: '警告', error: '错误', critical: '严重' } as Record<string, string>,
    action: '操作',
    acknowledge: '确认',
    acknowledged: '已确认',
    acknowledgeAll: '全部确认',
    empty: '暂无告警',
    send: '模拟告警',
    anomaly: '模拟数据异常',
  },
  faults: {
    title: '故障演练',
    hint: '对实时连接注入故障，观察自动重连与消息续传',
    drop: '断开连接',
    stall: '连接停滞',
    stallHint: (seconds: number) => `连接已停滞：客户端在 ${seconds} 秒无任何数据后判定连接已断并重连（heartbeatTimeout）`,
    restart: '重启后端',
    http500: '服务器 500',
    contentType: '返回 HTML 而非 SSE',
    http204: '服务器 204 停推',
    http401: '令牌被拒 401',
    malformed: '发送错误 JSON',
    unknown: '发送未知类型',
    storm: '告警风暴 ×200',
    xss: '发送 XSS 样本',
    sent: '已发送',
  },
}

export type PlaygroundTexts = typeof zhTexts

const enTexts: PlaygroundTexts = {
  title: 'Water network operations',
  subtitle: '水网运行调度平台',
  menu: { overview: 'Overview', calcs: 'Calculations', alarms: 'Alarms', faults: 'Fault drills' },
  login: {
    heading: 'Sign in',
    hint: 'Demo environment: any user name signs you in',
    username: 'User name',
    submit: 'Sign in',
    failed: 'Sign-in failed',
  },
  logout: 'Sign out',
  language: '中文',
  connection: {
    title: 'Live connection',
    status: 'Status',
    role: 'Role',
    lastEventId: 'Last event id',
    reconnects: 'Reconnects',
    received: 'Messages received',
    malformed: 'Malformed',
    unknownType: 'Unknown type',
    lastError: 'Last error',
    none: 'none',
    reconnect: 'Reconnect',
    statuses: { idle: 'Idle', connecting: 'Connecting', open: 'Open', reconnecting: 'Reconnecting', closed: 'Closed' },
    roles: { solo: 'Solo', leader: 'Leader tab', follower: 'Follower tab' },
  },
  calc: {
    title: 'Calculations',
    start: 'Start',
    kinds: { steady: 'Steady', sandboxSteady: 'Sandbox steady', trace: 'Trace', dyn: 'Transient', sandboxDyn: 'Sandbox transient' },
    statuses: { idle: 'Not run', running: 'Running', succeeded: 'Succeeded', failed: 'Failed' },
    started: 'Submitted',
  },
  scada: { title: 'SCADA data', pull: 'Pull now', lastPulled: 'Last pulled', never: 'Never' },
  alarms: {
    title: 'Alarms',
    unread: 'Unread',
    level: 'Level',
    alarmTitle: 'Title',
    content: 'Content',
    time: 'Time',
    kind: 'Kind',
    kinds: { alarm: 'Event alarm', anomaly: 'Data anomaly' },
    levels: { info: 'Info', warning: 'Warning', error: 'Error', critical: 'Critical' },
    action: 'Action',
    acknowledge: 'Acknowledge',
    acknowledged: 'Acknowledged',
    acknowledgeAll: 'Acknowledge all',
    empty: 'No alarms',
    send: 'Simulate alarm',
    anomaly: 'Simulate anomaly',
  },
  faults: {
    title: 'Fault drills',
    hint: 'Break the live connection and watch it reconnect and resume',
    drop: 'Drop connection',
    stall: 'Stall connection',
    stallHint: (seconds: number) =>
      `Stalled: the client gives the connection up after ${seconds} s without a byte (heartbeatTimeout) and reconnects`,
    restart: 'Restart backend',
    http500: 'Server error 500',
    contentType: 'HTML instead of SSE',
    http204: 'Server says stop (204)',
    http401: 'Token refused (401)',
    malformed: 'Send malformed JSON',
    unknown: 'Send unknown type',
    storm: 'Alarm storm ×200',
    xss: 'Send XSS sample',
    sent: 'Sent',
  },
}

function loadLocale(): PlaygroundLocale {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN'
}

/** The language chosen for this browser (persisted); changing it reloads the page. */
export const locale: PlaygroundLocale = loadLocale()

/** Texts of the current language. */
export const t: PlaygroundTexts = locale === 'en' ? enTexts : zhTexts

/** Element Plus's own texts (pagination, empty states) in the current language. */
export const elementLocale: Language = locale === 'en' ? en : zhCn

/** Persists the other language and reloads: the plugin's popups take their language at install. */
export function switchLocale(): void {
  localStorage.setItem(STORAGE_KEY, locale === 'en' ? 'zh-CN' : 'en')
  window.location.reload()
}
