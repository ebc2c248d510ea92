import { beforeEach, expect, it } from 'vitest'
import { createNotifier } from '../../src/notify/notifier'
import { describePopup, flush, msg, popups, useNotifyDom } from './notifyDom'

declare global {
  interface Window {
    __xss?: number
  }
}

const imgPayload = '<img src=x onerror="window.__xss=1">'
const scriptPayload = '<script>window.__xss=2</script>'

const dom = useNotifyDom()

beforeEach(() => {
  delete window.__xss
})

function injectedElements(): number {
  return popups()
    .map((el) => el.querySelectorAll('img, script, iframe, a').length)
    .reduce((a, b) => a + b, 0)
}

async function settle(): Promise<void> {
  await flush()
  // Give an injected image's error handler a chance to run if one had been created.
  await new Promise((resolve) => setTimeout(resolve, 20))
}

it('server text in every default popup is literal text, never markup', async () => {
  const notifier = dom.track(createNotifier({ maxVisible: 20 }, undefined, dom.appContext))
  notifier.notify(msg('5-1', { calcName: imgPayload, status: 0, message: scriptPayload }))
  notifier.notify(msg('2-1', { calcName: imgPayload, isTrace: 0, message: scriptPayload }))
  notifier.notify(msg('4', { level: 'critical', title: imgPayload, content: scriptPayload, time: imgPayload }))
  notifier.notify(msg('7', { title: scriptPayload, content: imgPayload }))
  notifier.notify(msg('3', { message: imgPayload }))
  await settle()

  const shown = popups().map(describePopup)
  expect(shown).toHaveLength(5)
  expect(shown[0].text).toContain(imgPayload)
  expect(shown[0].text).toContain(scriptPayload)
  expect(shown[1].text).toContain(imgPayload)
  expect(shown[2].text).toContain(scriptPayload)
  expect(shown[3].text).toContain(scriptPayload)
  expect(shown[4].text).toContain(imgPayload)
  expect(injectedElements()).toBe(0)
  expect(window.__xss).toBeUndefined()
})

it('strips dangerouslyUseHTMLString from a custom renderer', async () => {
  const notifier = createNotifier(
    {
      renderers: {
        '4': (message) => ({
          title: imgPayload,
          dangerouslyUseHTMLString: true,
          message: `<b>alarm</b> ${(message.data as { content: string }).content}`,
        }),
      },
    },
    undefined,
    dom.appContext,
  )
  dom.track(notifier)
  notifier.notify(msg('4', { content: imgPayload }))
  await settle()

  const [popup] = popups().map(describePopup)
  expect(popup.title).toBe(imgPayload)
  expect(popup.text).toBe(`<b>alarm</b> ${imgPayload}`)
  expect(popups()[0].querySelectorAll('b')).toHaveLength(0)
  expect(injectedElements()).toBe(0)
  expect(window.__xss).toBeUndefined()
})
