// @vitest-environment node
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkImports, readSources } from '../../scripts/importRules.mjs'

type Check = (files: Map<string, string>) => string[]
const check = checkImports as Check
const root = fileURLToPath(new URL('../..', import.meta.url))

describe('import rules of src/', () => {
  it('hold: the core is framework-free and no import circle exists', () => {
    expect(check((readSources as (root: string) => Map<string, string>)(root))).toEqual([])
  })

  it('catch a circle, also through type-only imports and re-exports', () => {
    const problems = check(
      new Map([
        ['src/a.ts', "import type { B } from './b'\nexport type A = B"],
        ['src/b.ts', "export { c } from './dir/c'\nexport type B = string"],
        ['src/dir/c.ts', "import { x } from '../a.js'\nexport const c = 1"],
      ]),
    )
    expect(problems).toEqual(['import circle: src/a.ts -> src/b.ts -> src/dir/c.ts -> src/a.ts'])
  })

  it('catch the core importing the Vue layer or a framework, also on demand', () => {
    const problems = check(
      new Map([
        ['src/options.ts', 'export type O = string'],
        ['src/core/x.ts', "import type { O } from '../options'\nimport { ref } from 'vue'\nconst lazy = () => import('pinia')"],
      ]),
    )
    expect(problems).toEqual([
      'src/core/x.ts imports src/options.ts: src/core/ imports nothing outside it',
      'src/core/x.ts imports vue: src/core/ stays framework-free',
      'src/core/x.ts imports pinia: src/core/ stays framework-free',
    ])
  })
})
