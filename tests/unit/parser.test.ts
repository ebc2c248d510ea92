import { describe, expect, it } from 'vitest'
import { createSseParser } from '../../src/core/parser'
import type { SseParser, SseParserOptions } from '../../src/core/parser'
import { SseError } from '../../src/core/errors'
import type { RawSseMessage } from '../../src/core/protocol'
import { mulberry32 } from '../support/random'

interface Output {
  messages: RawSseMessage[]
  retries: number[]
  comments: string[]
  errors: SseError[]
}

interface Case {
  name: string
  input: string
  messages: RawSseMessage[]
  retries?: number[]
  comments?: string[]
  /** Parser state after the whole input. */
  lastEventId?: string
  options?: Partial<SseParserOptions>
}

function collect(options: Partial<SseParserOptions> = {}): { parser: SseParser; out: Output } {
  const out: Output = { messages: [], retries: [], comments: [], errors: [] }
  const parser = createSseParser({
    // The event's own id is checked on its own below; the table compares the spec's view.
    onMessage: ({ id: _ownId, ...m }) => out.messages.push(m),
    onRetry: (ms) => out.retries.push(ms),
    onComment: (c) => out.comments.push(c),
    onError: (e) => out.errors.push(e),
    ...options,
  })
  return { parser, out }
}

const encoder = new TextEncoder()

type Feeding = { name: string; feed: (parser: SseParser, input: string) => void }

const SEEDS = [1, 7, 42, 1234, 99991]

const feedings: Feeding[] = [
  { name: 'whole string', feed: (p, input) => p.feed(input) },
  {
    name: 'one byte at a time',
    feed: (p, input) => {
      const bytes = encoder.encode(input)
      for (let i = 0; i < bytes.length; i++) p.feed(bytes.subarray(i, i + 1))
    },
  },
  ...SEEDS.map(
    (seed): Feeding => ({
      name: `random byte chunks (seed ${seed})`,
      feed: (p, input) => {
        const bytes = encoder.encode(input)
        const random = mulberry32(seed)
        // Mostly tiny chunks (every boundary position gets hit), sometimes large ones.
        const maxChunk = bytes.length > 100_000 ? 70_000 : 9
        let i = 0
        while (i < bytes.length) {
          const size = 1 + Math.floor(random() * maxChunk)
          p.feed(bytes.slice(i, i + size))
          i += size
        }
      },
    }),
  ),
]

const msg = (data: string, event = 'message', lastEventId = ''): RawSseMessage => ({ event, data, lastEventId })

const bigData = 'x'.repeat(500_000) + '数据'.repeat(100_000) + '🙂'.repeat(50_000)

const cases: Case[] = [
  { name: 'event defaults to "message"', input: 'data: hello\n\n', messages: [msg('hello')] },
  {
    name: 'named event, and the name does not leak to the next event',
    input: 'event: add\ndata: 1\n\ndata: 2\n\n',
    messages: [msg('1', 'add'), msg('2')],
  },
  { name: 'empty event name means "message"', input: 'event:\ndata: 1\n\nevent\ndata: 2\n\n', messages: [msg('1'), msg('2')] },
  { name: 'multi-line data joined with \\n', input: 'data: a\ndata: b\ndata:\ndata: c\n\n', messages: [msg('a\nb\n\nc')] },
  { name: 'data without a space after the colon', input: 'data:x\n\n', messages: [msg('x')] },
  {
    name: 'only one space after the colon is stripped; trailing spaces kept',
    input: 'data:  two \n\n',
    messages: [msg(' two ')],
  },
  { name: 'LF line endings', input: 'id: 1\ndata: a\n\ndata: b\n\n', messages: [msg('a', 'message', '1'), msg('b', 'message', '1')] },
  {
    name: 'CRLF line endings',
    input: 'event: e\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n',
    messages: [msg('a\nb', 'e'), msg('c')],
  },
  { name: 'CR-only line endings', input: 'event: e\rdata: a\rdata: b\r\rdata: c\r\r', messages: [msg('a\nb', 'e'), msg('c')] },
  {
    name: 'mixed line endings',
    input: 'data: 1\r\rdata: 2\n\ndata: 3\r\n\r\ndata: 4\rdata: 5\n\r\ndata: 6\r\n\n',
    messages: [msg('1'), msg('2'), msg('3'), msg('4\n5'), msg('6')],
  },
  {
    name: 'CJK and emoji (split across byte chunks when fed in pieces)',
    input: 'event: 告警\ndata: {"title":"泵站压力过高","icon":"🚨👨‍👩‍👧"}\n\n',
    messages: [msg('{"title":"泵站压力过高","icon":"🚨👨‍👩‍👧"}', '告警')],
  },
  {
    name: 'id containing NUL is ignored',
    input: 'id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n',
    messages: [msg('a', 'message', '1'), msg('b', 'message', '1')],
    lastEventId: '1',
  },
  { name: 'retry with non-digits is ignored', input: 'retry: 12a\nretry: -5\nretry: 1.5\nretry:  300\n\n', messages: [], retries: [] },
  { name: 'retry with digits only is reported', input: 'retry: 3000\ndata: x\n\n', messages: [msg('x')], retries: [3000] },
  {
    name: 'id-only block updates lastEventId for the next message',
    input: 'id: 7\n\ndata: x\n\n',
    messages: [msg('x', 'message', '7')],
    lastEventId: '7',
  },
  {
    name: 'empty id resets lastEventId',
    input: 'id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\n\nid:\ndata: c\n\n',
    messages: [msg('a', 'message', '1'), msg('b'), msg('c')],
    lastEventId: '',
  },
  {
    name: 'lastEventId persists across events without id',
    input: 'id: 9\ndata: a\n\nevent: e\ndata: b\n\n: note\n\ndata: c\n\n',
    messages: [msg('a', 'message', '9'), msg('b', 'e', '9'), msg('c', 'message', '9')],
    comments: ['note'],
  },
  { name: 'a leading BOM is dropped', input: '\uFEFFdata: a\n\n', messages: [msg('a')] },
  // The second BOM is part of the first field name, which is then unknown.
  { name: 'only one leading BOM is dropped', input: '\uFEFF\uFEFFdata: a\n\ndata: b\n\n', messages: [msg('b')] },
  { name: 'a BOM later in the stream is kept', input: 'data: \uFEFFa\n\n', messages: [msg('\uFEFFa')] },
  {
    name: 'comment-only block dispatches nothing and reaches onComment',
    input: ': ping\n\n:pong\n:\n\n',
    messages: [],
    comments: ['ping', 'pong', ''],
  },
  { name: 'block without trailing blank line is not dispatched', input: 'data: a\n\ndata: b\n', messages: [msg('a')] },
  { name: 'unterminated last line is not dispatched', input: 'data: a', messages: [] },
  { name: 'data with empty value dispatches ""', input: 'data\n\ndata:\n\n', messages: [msg(''), msg('')] },
  { name: 'two empty data lines give "\\n"', input: 'data\ndata\n\n', messages: [msg('\n')] },
  {
    name: 'unknown and wrongly cased fields are ignored',
    input: 'foo: bar\nData: y\nEVENT: z\nxdata: 1\ndata: x\nbaz\n\n',
    messages: [msg('x')],
  },
  { name: 'blank lines with nothing pending dispatch nothing', input: '\n\n\r\n\r\r', messages: [] },
  { name: 'a 1 MB data line', input: `data: ${bigData}\n\n`, messages: [msg(bigData)] },
]

describe('createSseParser: event stream interpretation', () => {
  for (const c of cases) {
    describe(c.name, () => {
      for (const feeding of feedings) {
        it(feeding.name, () => {
          const { parser, out } = collect(c.options)
          feeding.feed(parser, c.input)
          expect(out.messages).toEqual(c.messages)
          expect(out.retries).toEqual(c.retries ?? [])
          expect(out.comments).toEqual(c.comments ?? [])
          expect(out.errors).toEqual([])
          if (c.lastEventId !== undefined) expect(parser.lastEventId).toBe(c.lastEventId)
        })
      }
    })
  }
})

describe('createSseParser: chunk boundaries', () => {
  const bytes = (s: string): Uint8Array => encoder.encode(s)

  it('CR at the end of a chunk and LF at the start of the next is one line break', () => {
    const { parser, out } = collect()
    parser.feed(bytes('data: a\r'))
    parser.feed(bytes('\ndata: b\r'))
    parser.feed(bytes('\n\r'))
    parser.feed(bytes('\n'))
    expect(out.messages).toEqual([msg('a\nb')])
  })

  it('CR at the end of a chunk followed by a non-LF chunk ends the line', () => {
    const { parser, out } = collect()
    parser.feed(bytes('data: a\r'))
    parser.feed(bytes('\r'))
    parser.feed(bytes('data: b\r\r'))
    expect(out.messages).toEqual([msg('a'), msg('b')])
  })

  it('a CJK character split inside its UTF-8 bytes', () => {
    const whole = bytes('data: 压\n\n')
    expect(whole.length).toBe(11)
    const { parser, out } = collect()
    parser.feed(whole.subarray(0, 7)) // "data: " + first byte of 压
    parser.feed(whole.subarray(7, 8))
    parser.feed(whole.subarray(8))
    expect(out.messages).toEqual([msg('压')])
  })

  it('an emoji split inside its UTF-8 bytes (and its surrogate pair)', () => {
    const whole = bytes('data: 🚨\n\n')
    const { parser, out } = collect()
    parser.feed(whole.subarray(0, 8))
    parser.feed(whole.subarray(8, 9))
    parser.feed(whole.subarray(9))
    expect(out.messages).toEqual([msg('🚨')])
    expect(out.messages[0].data).not.toContain('\uFFFD')
  })

  it('a BOM split across chunks is still dropped', () => {
    const { parser, out } = collect()
    parser.feed(new Uint8Array([0xef]))
    parser.feed(new Uint8Array([0xbb]))
    parser.feed(new Uint8Array([0xbf, 0x64]))
    parser.feed(bytes('ata: a\n\n'))
    expect(out.messages).toEqual([msg('a')])
  })

  it('string and byte chunks can be mixed', () => {
    const { parser, out } = collect()
    parser.feed('data: a')
    parser.feed(bytes('b\n'))
    parser.feed('\n')
    expect(out.messages).toEqual([msg('ab')])
  })

  it('empty chunks change nothing', () => {
    const { parser, out } = collect()
    parser.feed('')
    parser.feed(new Uint8Array(0))
    parser.feed('data: a\n')
    parser.feed(new Uint8Array(0))
    parser.feed('\n')
    expect(out.messages).toEqual([msg('a')])
  })
})

describe('createSseParser: lastEventId and reset()', () => {
  it('starts from the lastEventId it is given', () => {
    const { parser, out } = collect()
    parser.lastEventId = '41'
    expect(parser.lastEventId).toBe('41')
    parser.feed('data: a\n\nid: 42\ndata: b\n\n')
    expect(out.messages).toEqual([msg('a', 'message', '41'), msg('b', 'message', '42')])
  })

  it('an id in a block that never completes does not change lastEventId', () => {
    const { parser } = collect()
    parser.feed('id: 1\ndata: a\n\nid: 2\ndata: b\n')
    expect(parser.lastEventId).toBe('1')
  })

  it('reset() keeps lastEventId and drops the partial event', () => {
    const { parser, out } = collect()
    parser.feed('id: 5\ndata: a\n\nid: 6\nevent: partial\ndata: lost')
    parser.reset()
    expect(parser.lastEventId).toBe('5')
    parser.feed('data: b\n\n')
    expect(out.messages).toEqual([msg('a', 'message', '5'), msg('b', 'message', '5')])
  })

  it('reset() drops half a UTF-8 character', () => {
    const { parser, out } = collect()
    parser.feed(encoder.encode('data: 压').subarray(0, 7))
    parser.reset()
    parser.feed(encoder.encode('data: ok\n\n'))
    expect(out.messages).toEqual([msg('ok')])
  })

  it('reset() starts a new stream whose leading BOM is dropped again', () => {
    const { parser, out } = collect()
    parser.feed('\uFEFFdata: a\n\n')
    parser.reset()
    parser.feed(encoder.encode('\uFEFFdata: b\n\n'))
    expect(out.messages).toEqual([msg('a'), msg('b')])
  })
})

describe('createSseParser: reset() from inside a callback', () => {
  it('drops the rest of the chunk being fed, so the next stream starts clean', () => {
    const seen: RawSseMessage[] = []
    let parser!: SseParser
    parser = createSseParser({
      onMessage: (m) => {
        seen.push(m)
        // e.g. a listener reconnects (restart) on this message
        if (m.data === 'restart') parser.reset()
      },
    })
    parser.feed('id: 1\ndata: restart\n\nid: 2\ndata: old\n\nid: 3\ndata: half\nda')
    expect(parser.lastEventId).toBe('1')
    parser.feed('data: new\n\n')
    expect(seen.map((m) => [m.data, m.lastEventId])).toEqual([
      ['restart', '1'],
      ['new', '1'],
    ])
  })
})

describe('createSseParser: maxBufferSize', () => {
  it('an endless line is reported once as a parse error, as soon as it crosses the limit', () => {
    const { parser, out } = collect({ maxBufferSize: 1024 })
    const chunk = encoder.encode('y'.repeat(100))
    parser.feed('data: ')
    let fed = 6
    while (out.errors.length === 0 && fed < 100_000) {
      parser.feed(chunk)
      fed += chunk.length
    }
    // Buffered text never grows past the limit plus one chunk before the stream is declared broken.
    expect(fed).toBeLessThanOrEqual(1024 + 100)
    expect(out.errors).toHaveLength(1)
    const [error] = out.errors
    expect(error).toBeInstanceOf(SseError)
    expect(error.kind).toBe('parse')
    expect(error.message).not.toContain('yyyy')

    // Further input is ignored (no throw, no message, no second error) until reset().
    for (let i = 0; i < 1000; i++) parser.feed(chunk)
    parser.feed('\n\ndata: after\n\n')
    expect(out.messages).toEqual([])
    expect(out.errors).toHaveLength(1)

    parser.reset()
    parser.feed('data: recovered\n\n')
    expect(out.messages).toEqual([msg('recovered')])
  })

  it('many data lines without a blank line also hit the limit', () => {
    const { parser, out } = collect({ maxBufferSize: 1000 })
    for (let i = 0; i < 100; i++) parser.feed(`data: ${'z'.repeat(50)}\n`)
    expect(out.errors).toHaveLength(1)
    expect(out.errors[0].kind).toBe('parse')
    expect(out.messages).toEqual([])
  })

  it('a line within the limit is fine', () => {
    const { parser, out } = collect({ maxBufferSize: 1000 })
    parser.feed(`data: ${'z'.repeat(900)}\n\n`)
    expect(out.errors).toEqual([])
    expect(out.messages).toEqual([msg('z'.repeat(900))])
  })
})

describe('own id of each event', () => {
  it('is the id line of that very event, while lastEventId carries over to events without one', () => {
    const seen: Array<[string | undefined, string]> = []
    const parser = createSseParser({ onMessage: (m) => seen.push([m.id, m.lastEventId]) })
    parser.feed('id: 5\ndata: a\n\ndata: b\n\nid: 6\ndata: c\n\nid: x\0y\ndata: d\n\n')
    expect(seen).toEqual([
      ['5', '5'],
      [undefined, '5'],
      ['6', '6'],
      [undefined, '6'],
    ])
  })
})
