// The report in Chinese: every finding's words and the text around them.
import type { CutCause } from '../checks/cutCause'
import { durationFormat } from './format'
import type { Messages } from './messages'
import type { DoctorUi } from './ui'
import type { ConnectRole } from '../progress'

const d = durationFormat({ ms: ' 毫秒', s: ' 秒' })

const cutCauses: Record<CutCause, (v: { silence: number; after: number; proxyTimeout: number }) => string> = {
  proxy: (v) => `与 ${d(v.proxyTimeout)}的代理读超时相符（nginx 的 proxy_read_timeout 默认 60 秒）：代理关闭了静默的流`,
  idle: (v) => `可能的原因：中间某个代理或负载均衡的读超时（nginx：proxy_read_timeout），它会关闭静默 ${d(v.silence)}的流`,
  total: (v) => `当时仍有数据在传：可能是 ${d(v.after)}的请求时长上限（服务端的异步请求超时，或代理的）`,
  server: () => '是服务端主动结束的',
}

type HeartbeatValues = { longest: number; from: number; comments: number; heartbeatTimeout: number; proxyTimeout: number; listened: number }
type ResumeValues = { name: string; via: 'header' | 'query'; fromId: string }

function tooQuietWhy(v: HeartbeatValues): string {
  const reasons: string[] = []
  if (v.longest >= v.heartbeatTimeout) reasons.push(`客户端在 heartbeatTimeout（${d(v.heartbeatTimeout)}）后放弃并重连`)
  if (v.longest >= v.proxyTimeout) reasons.push(`读超时为 ${d(v.proxyTimeout)}的代理（nginx 默认值）会切断流`)
  return reasons.join('；')
}

function resumeWith(v: ResumeValues): string {
  return v.via === 'header' ? `带 Last-Event-ID: ${v.fromId}` : `带 ?${v.name}=${v.fromId}`
}

const bufferingFix =
  '为流关闭缓冲：发送 X-Accel-Buffering: no，或在 nginx 中设置 proxy_buffering off、proxy_http_version 1.1 和 gzip off；服务端每发一个事件就 flush。'

/** 每条检查结果的中文文本。 */
export const zhCNMessages: Messages = {
  'headers.noAnswer': () => ({ evidence: '没有响应可检查' }),
  'headers.notStream': (v) => ({ evidence: `未检查：响应是 ${v.status}，不是事件流` }),
  'events.noStream': () => ({ evidence: '未检查：流没有打开' }),

  'status.noAnswer': (v) => ({
    evidence: `没有响应：${v.reason}`,
    fix: '检查 URL、端口以及服务是否在运行。开启缓冲的代理（nginx 的 proxy_buffering on）甚至会扣住状态行：见 docs/backend.md 的 nginx 一节。',
  }),
  'status.ok': (v) => ({ evidence: `${v.status} ${v.statusText}`.trim() }),
  'status.unauthorized': (v) => ({
    evidence: `${v.status}${v.detail ? `：${v.detail}` : ''}`,
    fix: v.credentials
      ? '服务端拒绝了所给的凭据：确认 --token、--cookie 或 --header 与应用发送的一致且仍然有效。'
      : '这个流需要凭据：用 --token（以 Authorization: Bearer 发送）、--cookie 或 --header 提供。',
  }),
  'status.noContent': () => ({
    evidence: '204 No Content：客户端停止，不再重连',
    fix: '只有要客户端永久停止时才回 204；对可能收到消息的用户，回 200 并打开流。',
  }),
  'status.redirect': (v) => ({
    evidence: `${v.status} 重定向到 ${v.location}`,
    fix: '让应用（和 doctor）直接指向流的 URL；流上的重定向通常通往登录页。',
  }),
  'status.retry': (v) => ({
    evidence: `${v.status}${v.detail ? `：${v.detail}` : ''}；客户端退避后重试`,
    fix: '在服务端日志中找出错误；流必须回 200。',
  }),
  'status.stop': (v) => ({
    evidence: `${v.status}${v.detail ? `：${v.detail}` : ''}；客户端以 http 错误停止`,
    fix: '核对 URL、请求方法（--method）和请求体（--body）是否符合服务端的要求。',
  }),

  'contentType.missing': () => ({
    evidence: '没有 Content-Type 头：客户端拒绝这个流（content-type 错误）并退避',
    fix: '发送 Content-Type: text/event-stream; charset=utf-8（Spring：produces = MediaType.TEXT_EVENT_STREAM_VALUE）。',
  }),
  'contentType.wrong': (v) => ({
    evidence: `${v.value}${v.preview ? `（"${v.preview}"）` : ''}：客户端拒绝它（content-type 错误）并退避`,
    fix: '流的响应必须是 Content-Type: text/event-stream；有效用户却拿到登录页或 JSON 错误，说明请求没有到达流的处理器。',
  }),
  'contentType.charset': (v) => ({
    evidence: `${v.value}：不管头里怎么写，事件流总是 UTF-8`,
    fix: '用 UTF-8 写流，并声明 charset=utf-8（或不写）。',
  }),
  'contentType.ok': (v) => ({ evidence: v.value }),

  'cacheControl.missing': () => ({
    evidence: '未发送',
    fix: '发送 Cache-Control: no-cache，不让任何缓存或代理保存或扣住这个流。',
  }),
  'cacheControl.ok': (v) => ({ evidence: v.value }),
  'cacheControl.cacheable': (v) => ({
    evidence: `${v.value}：缓存可能保存这个流并用它应答`,
    fix: '在流上发送 Cache-Control: no-cache。',
  }),
  'cacheControl.weak': (v) => ({ evidence: v.value, fix: '在流上发送 Cache-Control: no-cache。' }),

  'contentEncoding.none': () => ({ evidence: '未压缩' }),
  'contentEncoding.compressed': (v) => ({
    evidence: `${v.value}：压缩会把小事件攒到一个块满才发出，事件因此迟到或成批到达`,
    fix: '对 text/event-stream 关闭压缩（nginx：在流的 location 中 gzip off；Spring Boot：server.compression.mime-types 中不要包含 text/event-stream；Express：在 compression() 中过滤掉它）。',
  }),

  'accel.ok': () => ({ evidence: 'no' }),
  'accel.on': (v) => ({ evidence: `${v.value}：nginx 会缓冲这个流`, fix: '发送 X-Accel-Buffering: no。' }),
  'accel.behindNginx': (v) => ({
    evidence: `看不到：响应经过了 ${v.server}，它会读取并去掉这个头；事件是否被扣住，看“缓冲”一行`,
  }),
  'accel.missing': () => ({
    evidence: '未发送',
    fix: '发送 X-Accel-Buffering: no，让前面的 nginx 立即转发每个事件（或在它的流 location 中设置 proxy_buffering off）。',
  }),

  'cors.noOrigin': () => ({ evidence: '未检查：用 --origin 给出页面地址以检查 CORS' }),
  'cors.sameOrigin': (v) => ({ evidence: `${v.origin} 就是流自己的源：不涉及 CORS` }),
  'cors.ok': (v) => ({ evidence: `Access-Control-Allow-Origin: ${v.allowed}` }),
  'cors.noAllowOrigin': (v) => ({
    evidence: `没有给 ${v.origin} 的 Access-Control-Allow-Origin：浏览器会拦截响应`,
    fix: `对来自 ${v.origin} 的请求回 Access-Control-Allow-Origin: ${v.origin}。`,
  }),
  'cors.wildcardWithCookies': (v) => ({
    evidence: 'Access-Control-Allow-Origin: * 且带 cookie：带凭据的请求，浏览器不接受通配符',
    fix: `回 Access-Control-Allow-Origin: ${v.origin} 和 Access-Control-Allow-Credentials: true。`,
  }),
  'cors.otherOrigin': (v) => ({
    evidence: `Access-Control-Allow-Origin: ${v.allowed}，不是 ${v.origin}：浏览器会拦截响应`,
    fix: `允许 ${v.origin}。`,
  }),
  'cors.noCredentials': (v) => ({
    evidence: '没有 Access-Control-Allow-Credentials: true：带 cookie 的请求，浏览器会丢弃响应',
    fix: `与 Access-Control-Allow-Origin: ${v.origin} 一起发送 Access-Control-Allow-Credentials: true。`,
  }),
  'preflight.notNeeded': () => ({ evidence: '这个请求不需要预检' }),
  'preflight.noAnswer': (v) => ({
    evidence: `OPTIONS 没有响应：${v.reason}`,
    fix: '在流的 URL 上用 204 和 Access-Control-Allow-* 头应答 OPTIONS 预检。',
  }),
  'preflight.status': (v) => ({
    evidence: `OPTIONS 回了 ${v.status}：浏览器根本不会发出流的请求`,
    fix: '用 204 应答 OPTIONS 预检（放在任何认证之前：预检不带凭据）。',
  }),
  'preflight.headers': (v) => ({
    evidence: `Access-Control-Allow-Headers 缺少 ${v.missing}（请求的是 ${v.requested}）`,
    fix: `允许这些头：${v.requested}；每次重连都会带 Last-Event-ID。`,
  }),
  'preflight.method': (v) => ({ evidence: `Access-Control-Allow-Methods 缺少 ${v.method}`, fix: `允许 ${v.method}。` }),
  'preflight.ok': (v) => ({ evidence: `OPTIONS 允许 ${v.requested}` }),

  'auth.noCredentialsOpen': () => ({
    evidence: '没有给凭据，流也打开了：任何人都能读',
    fix: '如果流里是某个用户的消息，要求 token 或会话 cookie（并用 --token 或 --cookie 提供）。',
  }),
  'auth.noCredentials': () => ({ evidence: '未检查：没有给 --token、--cookie 或 --header' }),
  'auth.refused': (v) => ({ evidence: `带所给凭据的请求得到 ${v.status}`, fix: '提供服务端接受的凭据（新的 token）。' }),
  'auth.noAnswer': (v) => ({ evidence: `不带凭据的请求没有响应：${v.reason}` }),
  'auth.ok': (v) => ({ evidence: `带凭据时流打开；不带时 ${v.status}${v.detail ? `（${v.detail}）` : ''}` }),
  'auth.openWithout': () => ({
    evidence: '不带凭据流也打开了：任何人都能读',
    fix: '打开流之前检查 token（或会话），缺失或无效时回 401。',
  }),
  'auth.loginPage': (v) => ({
    evidence: `不带凭据：200 ${v.type || '且没有 Content-Type'}${v.preview ? `（"${v.preview}"）` : ''}，而不是 401；客户端当作坏掉的流无限重试，永远不会调用 onUnauthorized`,
    fix: 'token 缺失或过期时，流的 URL 应回 401（或 403），而不是登录页（Spring Security：为流的路径配置 HttpStatusEntryPoint(UNAUTHORIZED)）。',
  }),
  'auth.redirect': (v) => ({
    evidence: `不带凭据：${v.status} 重定向到 ${v.location}，而不是 401；客户端跟过去拿到的不是流`,
    fix: 'token 缺失或过期时，流的 URL 应回 401（或 403），而不是重定向到登录页。',
  }),
  'auth.otherStatus': (v) => ({
    evidence: `不带凭据：${v.status}${v.detail ? `（${v.detail}）` : ''}，而不是 401；客户端会${v.retries ? '退避重试' : '停止'}，而不是调用 onUnauthorized`,
    fix: 'token 缺失或过期时回 401（或 403）。',
  }),

  'events.none': (v) => ({
    evidence: `${d(v.listened)}内没有事件`,
    fix: v.trigger ? '连 trigger 的消息都没到：见“投递”一行。' : '提供 --trigger（让服务端发一条消息的 URL 或命令），或用 --listen 听得更久。',
  }),
  'ids.missing': (v) => ({
    evidence: `${v.total} 个事件中有 ${v.missing} 个没有 id: 行；重连后客户端说不出停在哪里，服务端也无法补发它错过的消息`,
    fix: '每个事件都带 id: 行（Spring：SseEmitter.event().id(...)），取自递增的序列。',
  }),
  'ids.ok': (v) => ({ evidence: `全部 ${v.total} 个事件都有 id` }),
  'idOrder.repeated': (v) => ({
    evidence: `同一个流上 id ${v.id} 出现了两次：客户端会把第二个当作已收到而丢弃`,
    fix: '每个事件一个独立的 id，取自同一个递增序列（数据库序列，或从当前时间开始的计数器）。',
  }),
  'idOrder.reused': (v) => ({
    evidence: `id ${v.id} 用在了两条不同的消息上：客户端会把第二条当作已收到而丢弃`,
    fix: 'id 永不复用，跨连接、跨重启都不行：取自数据库序列，或让计数器从当前时间开始（Date.now() * 1000），不要从 1 开始。',
  }),
  'idOrder.backwards': (v) => ({
    evidence: `id ${v.id} 出现在 ${v.after} 之后：id 在倒退`,
    fix: 'id 取自一个对所有用户、跨重启都递增的序列；按 id 比较的补发（id > last）依赖于此。',
  }),
  'idOrder.noIds': () => ({ evidence: '未检查：没有事件带 id' }),
  'idOrder.opaque': (v) => ({ evidence: `${v.count} 个 id，没有重复（不是数字，不检查顺序）` }),
  'idOrder.small': (v) => ({
    evidence: `id 从 ${v.first} 到 ${v.last}：如果来自内存中的计数器，服务重启后会从 1 重新开始，见过这些 id 的客户端会丢弃新事件`,
    fix: 'id 取自数据库序列，或让计数器从当前时间开始（Date.now() * 1000）。',
  }),
  'idOrder.ok': (v) => ({ evidence: `${v.count} 个 id，从 ${v.first} 到 ${v.last}，递增，没有复用` }),
  'data.invalid': (v) => ({
    evidence: `${v.total} 个事件中有 ${v.count} 个不是 JSON${v.id ? `（第一个：id ${v.id}）` : ''}：客户端计为格式错误并丢弃`,
    fix: '每个事件的 data 写成一个 JSON 对象 {"messageType": "...", "messageData": {...}}（Spring：发送对象并用 JSON 转换器，不要发字符串）。',
  }),
  'data.noType': (v) => ({
    evidence: `${v.total} 个事件中有 ${v.count} 个没有 messageType${v.id ? `（第一个：id ${v.id}）` : ''}：客户端无法分发，只能丢弃`,
    fix: '把类型放进 JSON：{"messageType": "4", "messageData": {...}}。',
  }),
  'data.eventName': (v) => ({
    evidence: `只用 event: 名称表示类型（${v.names}）；客户端能分发，但只有 fetch 传输能看到具名事件`,
    fix: '把类型作为 messageType 放进 JSON，两种传输都能读到。',
  }),
  'data.unknown': (v) => ({
    evidence: `${v.types}；非内置类型：${v.unknown}`,
    fix: '如果应用监听了这些类型（扩展 SseMessageMap）就没问题；否则检查是否拼错：内置类型是 0-0 到 7。',
  }),
  'data.ok': (v) => ({ evidence: `带 messageType 的 JSON：${v.types}` }),
  'retry.none': () => ({ evidence: '未发送（可选）：客户端从 reconnect.initialDelay（1 秒）开始退避' }),
  'retry.tooSmall': (v) => ({
    evidence: `retry: ${v.ms}：客户端按 100 毫秒计，出故障的服务端几乎会被立刻再次请求`,
    fix: '发送 retry: 1000 或更大，或者不发。',
  }),
  'retry.overCap': (v) => ({
    evidence: `retry: ${v.ms}：超过客户端的 reconnect.maxDelay（默认 30 秒），每次等待都以它为上限`,
    fix: '发送小于 30000 的 retry:，或在应用中调大 reconnect.maxDelay。',
  }),
  'retry.ok': (v) => ({ evidence: `retry: ${v.ms}` }),

  'heartbeat.tooQuiet': (v) => ({
    evidence: `流静默了 ${d(v.longest)}（从 ${d(v.from)}起）：${tooQuietWhy(v)}`,
    fix: '每 15 秒发一行注释（": ping" 加一个空行），比客户端的 heartbeatTimeout 和任何代理的读超时都更频繁。',
  }),
  'heartbeat.unseen': (v) => ({
    evidence: `在监听的 ${d(v.listened)}内没有心跳；最长静默 ${d(v.longest)}`,
    fix: `监听时间要长于心跳间隔（--listen 75s）才能检查；客户端在 ${d(v.heartbeatTimeout)}收不到任何字节后放弃。`,
  }),
  'heartbeat.close': (v) => ({
    evidence: `最长静默 ${d(v.longest)}，接近 ${d(Math.min(v.heartbeatTimeout, v.proxyTimeout))}`,
    fix: '每 15 秒发一次心跳：网络慢或服务端忙都会拉长间隔。',
  }),
  'heartbeat.ok': (v) => ({
    evidence: `${v.comments} 次心跳，最长静默 ${d(v.longest)}（上限：heartbeatTimeout ${d(v.heartbeatTimeout)}，代理 ${d(v.proxyTimeout)}）`,
  }),

  'buffering.triggerLate': (v) => ({
    evidence: `trigger 返回 ${d(v.latency)}后它的消息才到：中间有东西扣住了事件`,
    fix: bufferingFix,
  }),
  'buffering.pingsTogether': (v) => ({
    evidence: `${v.comments} 次心跳同时到达（静默 ${d(v.silence)}后一批到了 ${v.units} 项）：中间有东西扣住流再成批放出`,
    fix: bufferingFix,
  }),
  'buffering.lateAnswer': (v) => ({
    evidence: `响应在 ${d(v.answerAt)}后才到，同时带着 ${v.units} 项：中间有东西在等缓冲区填满`,
    fix: bufferingFix,
  }),
  'buffering.bunched': (v) => ({
    evidence: `静默后出现 ${v.bursts} 批事件（一次最多 ${v.largest} 项）：可能有缓冲区扣住了它们`,
    fix: `用 --trigger 再运行一次以确认。${bufferingFix}`,
  }),
  'buffering.tooLittle': (v) => ({
    evidence: '无法判断：到达的内容太少',
    ...(!v.trigger && { fix: '提供 --trigger，doctor 才能给一条消息计时。' }),
  }),
  'buffering.ok': (v) => ({ evidence: `按发送时到达：${v.bursts} 次独立读取，一次最多 ${v.largest} 项` }),

  'cut.none': (v) => ({ evidence: `在监听的 ${d(v.listened)}内流一直打开` }),
  'cut.immediate': (v) => ({
    evidence: `流打开 ${d(v.after)}后、发出任何内容之前就结束了；客户端会退避并一再重连`,
    fix: '保持响应打开：把它交给框架而不结束它（Spring：SseEmitter 用长超时，0 表示不超时）。',
  }),
  'cut.cut': (v) => ({
    evidence: `流在 ${d(v.after)}后${v.dropped ? '被掐断（没有结束块）' : '结束'}，距最后一个字节 ${d(v.silence)}；${cutCauses[v.cause](v)}`,
    fix:
      v.cause === 'proxy' || v.cause === 'idle'
        ? '心跳（": ping"）要比代理的读超时更频繁，或为流的 location 调大读超时（nginx：proxy_read_timeout 1h）。'
        : v.cause === 'total'
          ? '为流调大请求超时（Spring：new SseEmitter(0L) 或 spring.mvc.async.request-timeout；nginx：proxy_read_timeout）。客户端会重连，但每次切断都要重连一次。'
          : '客户端会重连并从最后的 id 续传；如果服务端是有意结束流，这没有问题。',
  }),

  'delivery.noTrigger': () => ({ evidence: '未检查：提供 --trigger 来给一条从服务端到流的消息计时' }),
  'delivery.triggerFailed': (v) => ({ evidence: `trigger 失败：${v.failure}`, fix: '单独检查 trigger 的 URL 或命令。' }),
  'delivery.missing': (v) => ({
    evidence: `trigger 返回后 ${d(v.waited)}内没有事件`,
    fix: '确认 trigger 是发给这个用户的（同样的凭据），并且服务端把事件写入已打开的流并 flush。',
  }),
  'delivery.late': (v) => ({
    evidence: `消息 ${v.type}${v.id ? `（id ${v.id}）` : ' '}在 trigger 返回 ${d(v.latency)}后才到达`,
    fix: '服务端每个事件后 flush，并参见“缓冲”一行。',
  }),
  'delivery.ok': (v) => ({ evidence: `消息 ${v.type}${v.id ? `（id ${v.id}）` : ' '}在触发 ${d(v.sincePulled)}后到达` }),

  'resume.noIds': (v) => ({
    evidence: '未检查：没有带 id 的事件可供续传',
    ...(!v.trigger && { fix: '提供 --trigger，让服务端发一条。' }),
  }),
  'resume.noEvents': (v) => ({
    evidence: '未检查：没有事件到达，无从续传',
    ...(!v.trigger && { fix: '提供 --trigger，让服务端发一条。' }),
  }),
  'resume.notOpened': (v) => ({
    evidence: `${resumeWith(v)}：${v.answer}`,
    fix: '带最后 id 的重连必须像其他请求一样打开流。',
  }),
  'resume.includesGiven': (v) => ({
    evidence: `${resumeWith(v)}：补发从事件 ${v.fromId} 本身开始，客户端已经有它了`,
    fix: '补发给定 id 之后的事件（id > last），而不是从它开始。',
  }),
  'resume.replaysOld': (v) => ({
    evidence: `${resumeWith(v)}：它之前（含）的 ${v.count} 个事件又来了一遍（第一个：${v.first}）`,
    fix: '只补发给定 id 之后的事件。',
  }),
  'resume.noReplay': (v) => ({
    evidence: `${resumeWith(v)}：它之后发出的 ${v.missing} 个事件没有到达；客户端重连期间发出的消息会丢失`,
    fix: `为每个用户保留有限的历史，请求带 ${v.via === 'header' ? 'Last-Event-ID' : `${v.name} 参数`} 时，先发出该 id 之后的所有事件。`,
  }),
  'resume.ok': (v) => ({ evidence: `${resumeWith(v)}：收到它之后的 ${v.replayed} 个事件，没有它之前（含）的` }),
  'fresh.notOpened': (v) => ({
    evidence: `上一个连接关闭后立即新建的连接：${v.answer}`,
    fix: '让同一用户的新流替换旧流；拒绝它（409）会把旧连接悄悄断掉的客户端锁在门外。',
  }),
  'fresh.nothingSeen': (v) => ({
    evidence: '未检查：没有带 id 的事件到达，无法辨认历史',
    ...(!v.trigger && { fix: '提供 --trigger，让服务端发一条。' }),
  }),
  'fresh.history': (v) => ({
    evidence: `不带 id 的新连接又收到了 ${v.count} 个旧事件（id ${v.first} 到 ${v.last}）：每次登录或刷新页面都会重新弹出旧通知`,
    fix: '只在请求带 Last-Event-ID（或 lastEventId 参数）时补发；新连接从新事件开始。',
  }),
  'fresh.ok': (v) => ({ evidence: `不带 id 的新连接在 ${d(v.waited)}内没有收到之前 ${v.known} 个事件中的任何一个` }),
}

/** 标题、标签和帮助文本的中文版。 */
export const zhCNUi: DoctorUi = {
  titles: {
    status: '状态码',
    'content-type': 'Content-Type',
    'cache-control': 'Cache-Control',
    'content-encoding': 'Content-Encoding',
    'x-accel-buffering': 'X-Accel-Buffering',
    cors: 'CORS',
    'cors-preflight': 'CORS 预检',
    auth: '认证',
    ids: '事件 id',
    'id-order': 'id 顺序',
    'event-data': '事件数据',
    retry: 'retry:',
    heartbeat: '心跳',
    buffering: '缓冲',
    cut: '流被切断',
    delivery: '投递',
    'resume-header': '续传（请求头）',
    'resume-query': '续传（查询参数）',
    fresh: '新连接',
  },
  statusLabels: { pass: '通过', warn: '警告', fail: '失败', skip: '跳过' },
  fixLabel: '修复：',
  heading: (v) =>
    !v.opened
      ? `vue-sse-hub doctor：${v.url}\n流没有打开；依赖它的检查已跳过。`
      : `vue-sse-hub doctor：${v.url}\n监听 ${d(v.listened)}：${v.events} 个事件，${v.comments} 条注释；之后又建立了 ${v.connections} 个连接。`,
  summary: (v) => `通过 ${v.pass} 项，警告 ${v.warn} 项，失败 ${v.fail} 项，跳过 ${v.skip} 项：${v.fail === 0 ? '没有失败。' : '请先修复失败项。'}`,
  progress: (p) =>
    p.phase === 'listen'
      ? `监听中 ${d(p.elapsed)} / ${d(p.total)}：${p.events} 个事件，${p.comments} 条注释，最长静默 ${d(p.longestSilence)}`
      : `连接中：${progressRoles[p.role]}`,
  usageError: (message) => `vue-sse-hub：${message}\n运行 vue-sse-hub doctor --help 查看选项。`,
  help: `用法：vue-sse-hub doctor <url> [选项]

按 vue-sse-hub 的要求（docs/backend.md）检查一个正在运行的 Server-Sent Events 接口：响应头、认证、
事件 id 和数据、心跳、缓冲、断流和续传。每一行给出通过、警告或失败，看到了什么，以及该改什么。
没有失败项时退出码为 0。

选项：
  --token <token>            以 Authorization: Bearer <token> 发送
  --token-param <name>       改为以这个查询参数发送 token（eventsource 传输）
  --cookie <cookies>         Cookie 头，例如 "SESSION=abc"
  --header "<Name: value>"   额外的请求头（可重复）
  --method <GET|POST>        请求方法（默认 GET）
  --body <text>              请求体，配合 --method POST（JSON 以 application/json 发送）
  --origin <origin>          检查来自这个源的页面的 CORS，例如 https://admin.example.com
  --listen <时长>            监听流的时长（默认 75s，长于 nginx 的 60 秒）
  --trigger <url|命令>       让服务端发一条消息：一个 URL（用同样的凭据 POST）或一条 shell 命令；
                             用于在安静的服务端上检查投递和补发
  --heartbeat-timeout <时长> 应用的 heartbeatTimeout（默认 45s）
  --proxy-timeout <时长>     用来比较静默时长的代理读超时（默认 60s，nginx 的默认值）
  --replay-wait <时长>       每个续传连接和新连接等待补发的时长（默认 2s）
  --last-event-id-param <n>  最后 id 的查询参数名（默认 lastEventId）
  --json                     以 JSON 输出报告（用于 CI）
  --lang <en|zh-CN>          报告语言（默认 en）
  -h, --help                 显示本帮助

时长：90s、1.5s、500ms、2m。

示例：
  npx vue-sse-hub doctor https://admin.example.com/api/sse --token "$TOKEN" --trigger "curl -X POST ..." --lang zh-CN
`,
}

const progressRoles: Record<ConnectRole, string> = {
  anonymous: '不带凭据',
  preflight: 'CORS 预检',
  'resume-header': '带 Last-Event-ID 续传',
  'resume-query': '带查询参数续传',
  fresh: '不带 id 的新连接',
}
