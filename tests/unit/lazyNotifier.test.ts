import { describe, expect, it, vi } from 'vitest'
import type { SseError } from '../../src/core/errors'
import { createLazyNotifier } from '../../src/notify/lazyNotifier'
import type { SseMessage } from '../../src/core/protocol'
import { describePopup, flush, popups, useNotifyDom } from './notifyDom'

// Popups are a chunk of their own, loaded when the hub first needs them: what arrives meanwhile must
// come out exactly as if the notifier had been there from the start.

const dom = useNotifyDom()

function alarm(i: number): SseMessage {
  return { type: '4', data: { alarmId: i, level: 'warning', content: `alarm ${i}` }, id: String(i) } as SseMessage
}

describe('the notifier loaded on demand', () => {
  it('shows what arrived while it loaded, in order, with storm control: 10 alarms in one tick are 4 popups and "+6"', async () => {
    const notifier = dom.track(createLazyNotifier({ locale: 'en' }, undefined, dom.appContext, () => {}))
    // Synchronously after creation: the chunk cannot have loaded yet.
    for (let i = 0; i < 10; i++) notifier.notify(alarm(i))
    expect(popups()).toHaveLength(0)
    await flush()
    expect(popups('.sse-notify--4').map((el) => describePopup(el).text)).toEqual([0, 1, 2, 3].map((i) => expect.stringContaining(`alarm ${i}`)))
    expect(describePopup(popups('.sse-notify--summary')[0]).text).toContain('+6')
  })

  it('a logout (closeAll) or dispose while it loads drops the waiting popups', async () => {
    const closed = dom.track(createLazyNotifier(undefined, undefined, dom.appContext, () => {}))
    closed.notify(alarm(1))
    closed.closeAll()
    const disposed = createLazyNotifier(undefined, undefined, dom.appContext, () => {})
    disposed.notify(alarm(2))
    disposed.dispose()
    disposed.notify(alarm(3))
    await flush()
    expect(popups()).toHaveLength(0)
    // Messages after the logout pop as usual.
    closed.notify(alarm(4))
    await flush()
    expect(popups().map((el) => describePopup(el).text)).toEqual([expect.stringContaining('alarm 4')])
  })

  it('a renderer that throws while replaying is reported as a handler error and the others still pop', async () => {
    const errors: SseError[] = []
    const notifier = dom.track(
      createLazyNotifier(
        {
          renderers: {
            '4': (message) => {
              if ((message.data as { alarmId: number }).alarmId === 1) throw new Error('bad renderer')
              return { title: `alarm ${(message.data as { alarmId: number }).alarmId}` }
            },
          },
        },
        undefined,
        dom.appContext,
        (error) => errors.push(error),
      ),
    )
    for (const i of [0, 1, 2]) notifier.notify(alarm(i))
    await flush()
    await vi.waitFor(() => expect(popups()).toHaveLength(2))
    expect(errors.map((error) => [error.kind, error.messageType])).toEqual([['handler', '4']])
  })
})
