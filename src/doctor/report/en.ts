// The report in English: every finding's words and the text around them.
import type { CutCause } from '../checks/cutCause'
import { durationFormat } from './format'
import type { DoctorUi } from './ui'
import type { ConnectRole } from '../progress'

const d = durationFormat({ ms: ' ms', s: ' s' })

const cutCauses: Record<CutCause, (v: { silence: number; after: number; proxyTimeout: number }) => string> = {
  proxy: (v) => `it matches a proxy read timeout of ${d(v.proxyTimeout)} (nginx's proxy_read_timeout is 60 s by default): the proxy closed the silent stream`,
  idle: (v) =>
    `likely cause: the read timeout of a proxy or load balancer in between (nginx: proxy_read_timeout), which closes a stream silent for ${d(v.silence)}`,
  total: (v) => `bytes were still flowing: likely a limit on the request's length of ${d(v.after)} (an async request timeout on the server, or a proxy's)`,
  server: () => 'the server ended it',
}

/** The English text of every finding: what was seen, and what to change. */
export const enMessages = {
  'headers.noAnswer': () => ({ evidence: 'no answer to check' }),
  'headers.notStream': (v: { status: number }) => ({ evidence: `not checked: the answer was ${v.status}, not a stream` }),
  'events.noStream': () => ({ evidence: 'not checked: the stream did not open' }),

  'status.noAnswer': (v: { reason: string }) => ({
    evidence: `no answer: ${v.reason}`,
    fix: 'Check the URL, the port and that the server runs. A proxy that buffers (nginx with proxy_buffering on) can hold back even the status line: see docs/backend.md, nginx.',
  }),
  'status.ok': (v: { status: number; statusText: string }) => ({ evidence: `${v.status} ${v.statusText}`.trim() }),
  'status.unauthorized': (v: { status: number; detail: string; credentials: boolean }) => ({
    evidence: `${v.status}${v.detail ? `: ${v.detail}` : ''}`,
    fix: v.credentials
      ? 'The server refused the credentials given: check that --token, --cookie or --header is what the app sends, and still valid.'
      : 'The stream needs credentials: give --token (sent as Authorization: Bearer), --cookie or --header.',
  }),
  'status.noContent': () => ({
    evidence: '204 No Content: the client stops and never reconnects',
    fix: 'Answer 204 only to tell a client to stop for good; for a user who may receive messages, answer 200 with the stream.',
  }),
  'status.redirect': (v: { status: number; location: string }) => ({
    evidence: `${v.status} to ${v.location}`,
    fix: 'Point the app (and the doctor) at the stream URL itself; a redirect on the stream usually leads to a login page.',
  }),
  'status.retry': (v: { status: number; detail: string }) => ({
    evidence: `${v.status}${v.detail ? `: ${v.detail}` : ''}; the client backs off and tries again`,
    fix: 'Find the error in the server log; the stream must answer 200.',
  }),
  'status.stop': (v: { status: number; detail: string }) => ({
    evidence: `${v.status}${v.detail ? `: ${v.detail}` : ''}; the client stops with an http error`,
    fix: 'Check the URL, the method (--method) and the body (--body) against what the server expects.',
  }),

  'contentType.missing': () => ({
    evidence: 'no Content-Type header: the client rejects the stream (error content-type) and backs off',
    fix: 'Send Content-Type: text/event-stream; charset=utf-8 (Spring: produces = MediaType.TEXT_EVENT_STREAM_VALUE).',
  }),
  'contentType.wrong': (v: { value: string; preview: string }) => ({
    evidence: `${v.value}${v.preview ? ` ("${v.preview}")` : ''}: the client rejects it (error content-type) and backs off`,
    fix: 'Answer the stream with Content-Type: text/event-stream; a login page or a JSON error for a valid user means the request did not reach the stream handler.',
  }),
  'contentType.charset': (v: { value: string }) => ({
    evidence: `${v.value}: event streams are always UTF-8, whatever the header says`,
    fix: 'Write the stream as UTF-8 and say charset=utf-8 (or nothing).',
  }),
  'contentType.ok': (v: { value: string }) => ({ evidence: v.value }),

  'cacheControl.missing': () => ({
    evidence: 'not sent',
    fix: 'Send Cache-Control: no-cache, so that no cache or proxy keeps or holds the stream.',
  }),
  'cacheControl.ok': (v: { value: string }) => ({ evidence: v.value }),
  'cacheControl.cacheable': (v: { value: string }) => ({
    evidence: `${v.value}: a cache may keep the stream and answer from it`,
    fix: 'Send Cache-Control: no-cache on the stream.',
  }),
  'cacheControl.weak': (v: { value: string }) => ({ evidence: v.value, fix: 'Send Cache-Control: no-cache on the stream.' }),

  'contentEncoding.none': () => ({ evidence: 'not compressed' }),
  'contentEncoding.compressed': (v: { value: string }) => ({
    evidence: `${v.value}: compression buffers small events until a block fills, so they arrive late or in bursts`,
    fix: 'Turn compression off for text/event-stream (nginx: gzip off in the stream location; Spring Boot: leave text/event-stream out of server.compression.mime-types; Express: filter it out of compression()).',
  }),

  'accel.ok': () => ({ evidence: 'no' }),
  'accel.on': (v: { value: string }) => ({
    evidence: `${v.value}: nginx buffers the stream`,
    fix: 'Send X-Accel-Buffering: no.',
  }),
  'accel.behindNginx': (v: { server: string }) => ({
    evidence: `not visible: the answer came through ${v.server}, which reads and removes this header; the buffering line tells whether events are held back`,
  }),
  'accel.missing': () => ({
    evidence: 'not sent',
    fix: 'Send X-Accel-Buffering: no, so that an nginx in front passes every event at once (or set proxy_buffering off in its stream location).',
  }),

  'cors.noOrigin': () => ({ evidence: 'not checked: give --origin with the address of the page to check CORS' }),
  'cors.sameOrigin': (v: { origin: string }) => ({ evidence: `${v.origin} is the stream's own origin: no CORS involved` }),
  'cors.ok': (v: { origin: string; allowed: string }) => ({ evidence: `Access-Control-Allow-Origin: ${v.allowed}` }),
  'cors.noAllowOrigin': (v: { origin: string }) => ({
    evidence: `no Access-Control-Allow-Origin for ${v.origin}: the browser blocks the answer`,
    fix: `Answer requests from ${v.origin} with Access-Control-Allow-Origin: ${v.origin}.`,
  }),
  'cors.wildcardWithCookies': (v: { origin: string }) => ({
    evidence: 'Access-Control-Allow-Origin: * with a cookie: browsers refuse a wildcard on requests with credentials',
    fix: `Answer with Access-Control-Allow-Origin: ${v.origin} and Access-Control-Allow-Credentials: true.`,
  }),
  'cors.otherOrigin': (v: { origin: string; allowed: string }) => ({
    evidence: `Access-Control-Allow-Origin: ${v.allowed}, not ${v.origin}: the browser blocks the answer`,
    fix: `Allow ${v.origin}.`,
  }),
  'cors.noCredentials': (v: { origin: string }) => ({
    evidence: 'no Access-Control-Allow-Credentials: true: the browser drops the answer to a request with cookies',
    fix: `Send Access-Control-Allow-Credentials: true with Access-Control-Allow-Origin: ${v.origin}.`,
  }),
  'preflight.notNeeded': () => ({ evidence: 'the request needs no preflight' }),
  'preflight.noAnswer': (v: { reason: string }) => ({
    evidence: `no answer to OPTIONS: ${v.reason}`,
    fix: 'Answer the OPTIONS preflight on the stream URL with 204 and the Access-Control-Allow-* headers.',
  }),
  'preflight.status': (v: { status: number }) => ({
    evidence: `OPTIONS answered ${v.status}: the browser never sends the stream request`,
    fix: 'Answer the OPTIONS preflight with 204 (before any authentication: a preflight carries no credentials).',
  }),
  'preflight.headers': (v: { missing: string; requested: string }) => ({
    evidence: `Access-Control-Allow-Headers lacks ${v.missing} (asked for ${v.requested})`,
    fix: `Allow the headers ${v.requested}; Last-Event-ID goes with every reconnect.`,
  }),
  'preflight.method': (v: { method: string }) => ({
    evidence: `Access-Control-Allow-Methods lacks ${v.method}`,
    fix: `Allow ${v.method}.`,
  }),
  'preflight.ok': (v: { requested: string }) => ({ evidence: `OPTIONS allows ${v.requested}` }),

  'auth.noCredentialsOpen': () => ({
    evidence: 'no credentials given, and the stream opened: anyone can read it',
    fix: 'If the stream carries one user’s messages, require a token or a session cookie (and give it with --token or --cookie).',
  }),
  'auth.noCredentials': () => ({ evidence: 'not checked: no --token, --cookie or --header given' }),
  'auth.refused': (v: { status: number }) => ({
    evidence: `the request with the credentials given got ${v.status}`,
    fix: 'Give credentials the server accepts (a fresh token).',
  }),
  'auth.noAnswer': (v: { reason: string }) => ({ evidence: `the request without credentials got no answer: ${v.reason}` }),
  'auth.ok': (v: { status: number; detail: string }) => ({
    evidence: `with credentials the stream opens; without them ${v.status}${v.detail ? ` (${v.detail})` : ''}`,
  }),
  'auth.openWithout': () => ({
    evidence: 'without credentials the stream opens too: anyone can read it',
    fix: 'Check the token (or session) before opening the stream, and answer 401 when it is missing or invalid.',
  }),
  'auth.loginPage': (v: { type: string; preview: string }) => ({
    evidence: `without credentials: 200 ${v.type || 'without a content type'}${v.preview ? ` ("${v.preview}")` : ''} instead of 401; the client sees a broken stream and retries forever, never calling onUnauthorized`,
    fix: 'Answer 401 (or 403) on the stream URL when the token is missing or expired, not a login page (Spring Security: an HttpStatusEntryPoint(UNAUTHORIZED) for the stream path).',
  }),
  'auth.redirect': (v: { status: number; location: string }) => ({
    evidence: `without credentials: ${v.status} to ${v.location} instead of 401; the client follows it to a page that is not a stream`,
    fix: 'Answer 401 (or 403) on the stream URL when the token is missing or expired, not a redirect to the login page.',
  }),
  'auth.otherStatus': (v: { status: number; detail: string; retries: boolean }) => ({
    evidence: `without credentials: ${v.status}${v.detail ? ` (${v.detail})` : ''} instead of 401; the client ${v.retries ? 'backs off and retries' : 'stops'} instead of calling onUnauthorized`,
    fix: 'Answer 401 (or 403) when the token is missing or expired.',
  }),

  'events.none': (v: { listened: number; trigger: boolean }) => ({
    evidence: `no event in ${d(v.listened)}`,
    fix: v.trigger
      ? 'Not even the trigger’s message arrived: see the delivery line.'
      : 'Give --trigger (a URL or a command that makes the server send a message), or listen longer with --listen.',
  }),
  'ids.missing': (v: { missing: number; total: number }) => ({
    evidence: `${v.missing} of ${v.total} events had no id: line; after a reconnect the client cannot say where it stopped, and the server cannot replay what it missed`,
    fix: 'Put an id: line on every event (Spring: SseEmitter.event().id(...)), from a sequence that grows.',
  }),
  'ids.ok': (v: { total: number }) => ({ evidence: `all ${v.total} events had an id` }),
  'idOrder.repeated': (v: { id: string }) => ({
    evidence: `id ${v.id} came twice on one stream: the client drops the second event as already seen`,
    fix: 'Give every event its own id, from one sequence that grows (a database sequence, or a counter started from the time).',
  }),
  'idOrder.reused': (v: { id: string }) => ({
    evidence: `id ${v.id} was used for two different messages: the client drops the second as already seen`,
    fix: 'Never reuse an id, not across connections nor after a restart: take ids from a database sequence, or start the counter from the time (Date.now() * 1000), not from 1.',
  }),
  'idOrder.backwards': (v: { id: string; after: string }) => ({
    evidence: `id ${v.id} came after ${v.after}: ids go backwards`,
    fix: 'Take ids from one sequence that grows for every user and across restarts; a replay that compares ids (id > last) depends on it.',
  }),
  'idOrder.noIds': () => ({ evidence: 'not checked: no event had an id' }),
  'idOrder.opaque': (v: { count: number }) => ({ evidence: `${v.count} ids, none repeated (not numbers, so their order is not checked)` }),
  'idOrder.small': (v: { first: string; last: string }) => ({
    evidence: `ids ${v.first} to ${v.last}: if they come from a counter in memory, it starts at 1 again when the server restarts, and clients that saw those ids drop the new events`,
    fix: 'Take ids from a database sequence, or start the counter from the time (Date.now() * 1000).',
  }),
  'idOrder.ok': (v: { count: number; first: string; last: string }) => ({ evidence: `${v.count} ids from ${v.first} to ${v.last}, growing, none reused` }),
  'data.invalid': (v: { count: number; total: number; id: string }) => ({
    evidence: `${v.count} of ${v.total} events were not JSON${v.id ? ` (the first: id ${v.id})` : ''}: the client counts them as malformed and drops them`,
    fix: 'Write each event’s data as one JSON object {"messageType": "...", "messageData": {...}} (Spring: send an object with a JSON converter, not a string).',
  }),
  'data.noType': (v: { count: number; total: number; id: string }) => ({
    evidence: `${v.count} of ${v.total} events had no messageType${v.id ? ` (the first: id ${v.id})` : ''}: the client cannot route them and drops them`,
    fix: 'Put the type in the JSON: {"messageType": "4", "messageData": {...}}.',
  }),
  'data.eventName': (v: { names: string }) => ({
    evidence: `typed by event: name only (${v.names}); the client routes them, but only the fetch transport sees named events`,
    fix: 'Put the type in the JSON as messageType, which both transports read.',
  }),
  'data.unknown': (v: { types: string; unknown: string }) => ({
    evidence: `${v.types}; not built in: ${v.unknown}`,
    fix: 'Fine if the app listens for these types (SseMessageMap augmentation); otherwise check for a typo: the built-in types are 0-0 to 7.',
  }),
  'data.ok': (v: { types: string; total: number }) => ({ evidence: `JSON with messageType: ${v.types}` }),
  'retry.none': () => ({ evidence: 'not sent (optional): the client backs off from its reconnect.initialDelay (1 s)' }),
  'retry.tooSmall': (v: { ms: number }) => ({
    evidence: `retry: ${v.ms}: the client counts it as 100 ms, and a failing server is asked again almost at once`,
    fix: 'Send retry: 1000 or more, or none.',
  }),
  'retry.overCap': (v: { ms: number }) => ({
    evidence: `retry: ${v.ms}: above the client's reconnect.maxDelay (30 s by default), which caps every wait`,
    fix: 'Send a retry: below 30000, or raise reconnect.maxDelay in the app.',
  }),
  'retry.ok': (v: { ms: number }) => ({ evidence: `retry: ${v.ms}` }),

  'heartbeat.tooQuiet': (v: HeartbeatValues) => ({
    evidence: `the stream was silent for ${d(v.longest)} (from ${d(v.from)}): ${tooQuietWhy(v)}`,
    fix: 'Send a comment line (": ping" and a blank line) every 15 s, more often than both the client’s heartbeatTimeout and any proxy’s read timeout.',
  }),
  'heartbeat.unseen': (v: HeartbeatValues) => ({
    evidence: `no heartbeat in the ${d(v.listened)} listened; longest silence ${d(v.longest)}`,
    fix: `Listen longer than the heartbeat interval (--listen 75s) to check it; the client gives up after ${d(v.heartbeatTimeout)} without a byte.`,
  }),
  'heartbeat.close': (v: HeartbeatValues) => ({
    evidence: `longest silence ${d(v.longest)}, close to ${d(Math.min(v.heartbeatTimeout, v.proxyTimeout))}`,
    fix: 'Send heartbeats every 15 s: a slow network or a busy server adds to the gap.',
  }),
  'heartbeat.ok': (v: HeartbeatValues) => ({
    evidence: `${v.comments} heartbeat${v.comments === 1 ? '' : 's'}, longest silence ${d(v.longest)} (limits: heartbeatTimeout ${d(v.heartbeatTimeout)}, proxy ${d(v.proxyTimeout)})`,
  }),

  'buffering.triggerLate': (v: { latency: number }) => ({
    evidence: `the trigger’s message arrived ${d(v.latency)} after the trigger returned: something between holds events back`,
    fix: bufferingFix,
  }),
  'buffering.pingsTogether': (v: { comments: number; units: number; silence: number }) => ({
    evidence: `${v.comments} heartbeats arrived at once (${v.units} items in one burst, after ${d(v.silence)} of silence): something between holds the stream and releases it in bursts`,
    fix: bufferingFix,
  }),
  'buffering.lateAnswer': (v: { answerAt: number; units: number }) => ({
    evidence: `the answer came only after ${d(v.answerAt)}, together with ${v.units} items: something between waits for a full buffer`,
    fix: bufferingFix,
  }),
  'buffering.bunched': (v: { bursts: number; largest: number }) => ({
    evidence: `${v.bursts} bursts of events after silences (up to ${v.largest} items at once): a buffer may be holding them`,
    fix: `Run again with --trigger to confirm. ${bufferingFix}`,
  }),
  'buffering.tooLittle': (v: { trigger: boolean }) => ({
    evidence: 'not judged: too little arrived',
    ...(!v.trigger && { fix: 'Give --trigger so that the doctor can time a message.' }),
  }),
  'buffering.ok': (v: { bursts: number; largest: number }) => ({
    evidence: `arrived as sent: ${v.bursts} separate reads, at most ${v.largest} item${v.largest === 1 ? '' : 's'} in one`,
  }),

  'cut.none': (v: { listened: number }) => ({ evidence: `the stream stayed open for the ${d(v.listened)} listened` }),
  'cut.immediate': (v: { after: number }) => ({
    evidence: `the stream ended ${d(v.after)} after it opened, before sending anything; the client backs off and reconnects, again and again`,
    fix: 'Keep the response open: return it to the framework without completing it (Spring: SseEmitter with a long timeout, 0 for none).',
  }),
  'cut.cut': (v: { after: number; silence: number; dropped: boolean; cause: CutCause; proxyTimeout: number }) => ({
    evidence: `the stream was ${v.dropped ? 'dropped (no final chunk)' : 'ended'} after ${d(v.after)}, ${d(v.silence)} after the last byte; ${cutCauses[v.cause](v)}`,
    fix:
      v.cause === 'proxy' || v.cause === 'idle'
        ? 'Send heartbeats (": ping") more often than the proxy’s read timeout, or raise it for the stream location (nginx: proxy_read_timeout 1h).'
        : v.cause === 'total'
          ? 'Raise the request timeout for the stream (Spring: new SseEmitter(0L) or spring.mvc.async.request-timeout; nginx: proxy_read_timeout). The client reconnects, but each cut costs a reconnect.'
          : 'The client reconnects and resumes from the last id; fine if the server ends streams on purpose.',
  }),

  'delivery.noTrigger': () => ({ evidence: 'not checked: give --trigger to time a message from the server to the stream' }),
  'delivery.triggerFailed': (v: { failure: string }) => ({
    evidence: `the trigger failed: ${v.failure}`,
    fix: 'Check the trigger URL or command on its own.',
  }),
  'delivery.missing': (v: { waited: number }) => ({
    evidence: `no event within ${d(v.waited)} after the trigger returned`,
    fix: 'Check that the trigger sends to this user (the same credentials) and that the server writes and flushes the event to open streams.',
  }),
  'delivery.late': (v: DeliveryValues) => ({
    evidence: `message ${v.type}${v.id ? ` (id ${v.id})` : ''} arrived ${d(v.latency)} after the trigger returned`,
    fix: 'Flush after each event on the server, and see the buffering line.',
  }),
  'delivery.ok': (v: DeliveryValues) => ({
    evidence: `message ${v.type}${v.id ? ` (id ${v.id})` : ''} arrived ${d(v.sincePulled)} after the trigger was pulled`,
  }),

  'resume.noIds': (v: { trigger: boolean }) => ({
    evidence: 'not checked: no event with an id to resume from',
    ...(!v.trigger && { fix: 'Give --trigger so that the server sends one.' }),
  }),
  'resume.noEvents': (v: { trigger: boolean }) => ({
    evidence: 'not checked: no event arrived to resume from',
    ...(!v.trigger && { fix: 'Give --trigger so that the server sends one.' }),
  }),
  'resume.notOpened': (v: ResumeValues & { answer: string }) => ({
    evidence: `${resumeWith(v)}: ${v.answer}`,
    fix: 'A reconnect with a last id must open the stream like any other request.',
  }),
  'resume.includesGiven': (v: ResumeValues) => ({
    evidence: `${resumeWith(v)}: the replay began with event ${v.fromId} itself, which the client already has`,
    fix: 'Replay the events after the given id (id > last), not from it.',
  }),
  'resume.replaysOld': (v: ResumeValues & { count: number; first: string }) => ({
    evidence: `${resumeWith(v)}: ${v.count} event${v.count === 1 ? '' : 's'} at or before it came again (the first: ${v.first})`,
    fix: 'Replay only the events after the given id.',
  }),
  'resume.noReplay': (v: ResumeValues & { missing: number; replayed: number }) => ({
    evidence: `${resumeWith(v)}: ${v.missing} event${v.missing === 1 ? '' : 's'} sent after it did not come; messages sent while the client reconnects are lost`,
    fix: `Keep a bounded history per user and, when a request carries ${v.via === 'header' ? 'Last-Event-ID' : `the ${v.name} parameter`}, send every event after that id first.`,
  }),
  'resume.ok': (v: ResumeValues & { replayed: number }) => ({
    evidence: `${resumeWith(v)}: ${v.replayed} event${v.replayed === 1 ? '' : 's'} after it, nothing at or before it`,
  }),
  'fresh.notOpened': (v: { answer: string }) => ({
    evidence: `a new connection right after the last one closed: ${v.answer}`,
    fix: 'Let a new stream of the same user replace the old one; refusing it (409) locks out a client whose old connection died unnoticed.',
  }),
  'fresh.nothingSeen': (v: { trigger: boolean }) => ({
    evidence: 'not checked: no event with an id arrived, so there is no history to recognise',
    ...(!v.trigger && { fix: 'Give --trigger so that the server sends one.' }),
  }),
  'fresh.history': (v: { count: number; first: string; last: string }) => ({
    evidence: `a new connection without an id got ${v.count} old event${v.count === 1 ? '' : 's'} again (ids ${v.first} to ${v.last}): every login or page load shows old notifications again`,
    fix: 'Replay only when the request carries Last-Event-ID (or the lastEventId parameter); a new connection starts with new events.',
  }),
  'fresh.ok': (v: { waited: number; known: number }) => ({
    evidence: `a new connection without an id got none of the ${v.known} earlier event${v.known === 1 ? '' : 's'} in ${d(v.waited)}`,
  }),
}

type HeartbeatValues = { longest: number; from: number; comments: number; heartbeatTimeout: number; proxyTimeout: number; listened: number }
type ResumeValues = { name: string; via: 'header' | 'query'; fromId: string }
type DeliveryValues = { latency: number; sincePulled: number; type: string; id: string }

function tooQuietWhy(v: HeartbeatValues): string {
  const reasons: string[] = []
  if (v.longest >= v.heartbeatTimeout) reasons.push(`the client gives up after heartbeatTimeout (${d(v.heartbeatTimeout)}) and reconnects`)
  if (v.longest >= v.proxyTimeout) reasons.push(`a proxy with a ${d(v.proxyTimeout)} read timeout (nginx's default) cuts the stream`)
  return reasons.join('; ')
}

function resumeWith(v: ResumeValues): string {
  return v.via === 'header' ? `with Last-Event-ID: ${v.fromId}` : `with ?${v.name}=${v.fromId}`
}

const bufferingFix =
  'Turn buffering off for the stream: send X-Accel-Buffering: no, or in nginx proxy_buffering off with proxy_http_version 1.1 and gzip off; flush after each event on the server.'

/** Titles, labels and the help text in English. */
export const enUi: DoctorUi = {
  titles: {
    status: 'Status',
    'content-type': 'Content-Type',
    'cache-control': 'Cache-Control',
    'content-encoding': 'Content-Encoding',
    'x-accel-buffering': 'X-Accel-Buffering',
    cors: 'CORS',
    'cors-preflight': 'CORS preflight',
    auth: 'Authentication',
    ids: 'Event ids',
    'id-order': 'Id order',
    'event-data': 'Event data',
    retry: 'retry:',
    heartbeat: 'Heartbeats',
    buffering: 'Buffering',
    cut: 'Stream cut',
    delivery: 'Delivery',
    'resume-header': 'Resume (header)',
    'resume-query': 'Resume (query)',
    fresh: 'New connection',
  },
  statusLabels: { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' },
  fixLabel: 'fix: ',
  heading: (v) =>
    !v.opened
      ? `vue-sse-hub doctor: ${v.url}\nThe stream did not open; the checks that need it are skipped.`
      : `vue-sse-hub doctor: ${v.url}\nListened ${d(v.listened)}: ${v.events} event${v.events === 1 ? '' : 's'}, ${v.comments} comment${v.comments === 1 ? '' : 's'}; then ${v.connections} more connection${v.connections === 1 ? '' : 's'}.`,
  summary: (v) =>
    `${v.pass} passed, ${v.warn} warning${v.warn === 1 ? '' : 's'}, ${v.fail} failed, ${v.skip} skipped: ${v.fail === 0 ? 'nothing fails.' : 'fix the failures first.'}`,
  progress: (p) =>
    p.phase === 'listen'
      ? `listening ${d(p.elapsed)} of ${d(p.total)}: ${p.events} event${p.events === 1 ? '' : 's'}, ${p.comments} comment${p.comments === 1 ? '' : 's'}, longest silence ${d(p.longestSilence)}`
      : `connecting: ${progressRoles[p.role]}`,
  usageError: (message) => `vue-sse-hub: ${message}\nRun vue-sse-hub doctor --help for the options.`,
  help: `Usage: vue-sse-hub doctor <url> [options]

Checks a live Server-Sent Events endpoint against what vue-sse-hub expects (docs/backend.md): the
answer's headers, authentication, event ids and data, heartbeats, buffering, cuts and resume. Every
line says pass, warn or fail, what was seen, and what to change. Exit code 0 when nothing fails.

Options:
  --token <token>            sent as Authorization: Bearer <token>
  --token-param <name>       send the token as this query parameter instead (eventsource transport)
  --cookie <cookies>         Cookie header, e.g. "SESSION=abc"
  --header "<Name: value>"   an extra request header (repeatable)
  --method <GET|POST>        request method (default GET)
  --body <text>              request body, with --method POST (JSON is sent as application/json)
  --origin <origin>          check CORS for a page on this origin, e.g. https://admin.example.com
  --listen <duration>        how long to listen to the stream (default 75s, longer than nginx's 60 s)
  --trigger <url|command>    makes the server send a message: a URL (POSTed to, with the same
                             credentials) or a shell command; checks delivery and replay on a quiet server
  --heartbeat-timeout <d>    the app's heartbeatTimeout (default 45s)
  --proxy-timeout <d>        a proxy read timeout to compare silences with (default 60s, nginx's)
  --replay-wait <d>          how long each resume and new connection waits for a replay (default 2s)
  --last-event-id-param <n>  query parameter of the last id (default lastEventId)
  --json                     print the report as JSON (for CI)
  --lang <en|zh-CN>          language of the report (default en)
  -h, --help                 this text

Durations: 90s, 1.5s, 500ms, 2m.

Example:
  npx vue-sse-hub doctor https://admin.example.com/api/sse --token "$TOKEN" --trigger "curl -X POST ..."
`,
}

const progressRoles: Record<ConnectRole, string> = {
  anonymous: 'without credentials',
  preflight: 'CORS preflight',
  'resume-header': 'resuming with Last-Event-ID',
  'resume-query': 'resuming with the query parameter',
  fresh: 'a new connection without an id',
}
