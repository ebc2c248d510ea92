// The import rules of src/: the framework-free core imports nothing of the Vue layer nor of Vue, Pinia
// or Element Plus, and no import circle exists anywhere. `node scripts/importRules.mjs` prints what
// breaks them (exit 1); npm test runs the same check.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Packages of the Vue layer: the core must run without them. */
const frameworkPackages = ['vue', 'pinia', 'element-plus', '@vueuse/core', '@vue/devtools-api']

// Static imports and re-exports (`import x from`, `import type`, `export ... from`, bare `import '...'`)
// and dynamic `import('...')`.
const importPattern = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

/** The specifiers one source file imports. */
export function importsOf(source) {
  const found = []
  for (const match of source.matchAll(importPattern)) found.push(match[1] ?? match[2])
  return found
}

/**
 * Checks a set of files (path relative to the root, e.g. `src/core/bus.ts` -> source text).
 * Returns one line per broken rule; empty when every rule holds.
 */
export function checkImports(files) {
  const problems = []
  const graph = new Map()
  for (const [path, source] of files) {
    const edges = []
    for (const specifier of importsOf(source)) {
      if (specifier.startsWith('.')) {
        const target = resolve(files, path, specifier)
        if (target === undefined) continue
        edges.push(target)
        if (isCore(path) && !isCore(target)) problems.push(`${path} imports ${target}: src/core/ imports nothing outside it`)
      } else if (isCore(path) && frameworkPackages.some((p) => specifier === p || specifier.startsWith(`${p}/`))) {
        problems.push(`${path} imports ${specifier}: src/core/ stays framework-free`)
      }
    }
    graph.set(path, edges)
  }
  for (const circle of findCircles(graph)) problems.push(`import circle: ${circle.join(' -> ')}`)
  return problems
}

function isCore(path) {
  return path.startsWith('src/core/')
}

function resolve(files, from, specifier) {
  const base = normalize(join(dirname(from), specifier)).replaceAll('\\', '/')
  const stem = base.replace(/\.(js|ts)$/, '')
  for (const candidate of [base, `${stem}.ts`, `${stem}.vue`, `${stem}/index.ts`]) if (files.has(candidate)) return candidate
  return undefined
}

/** Every circle of the graph, each once, as the files in import order with the first repeated last. */
function findCircles(graph) {
  const circles = []
  const state = new Map() // 1: on the current path, 2: done
  const path = []
  const seen = new Set()
  function visit(node) {
    state.set(node, 1)
    path.push(node)
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) {
        const circle = path.slice(path.indexOf(next))
        const key = [...circle].sort().join('|')
        if (!seen.has(key)) {
          seen.add(key)
          circles.push([...circle, next])
        }
      } else if (!state.has(next)) visit(next)
    }
    path.pop()
    state.set(node, 2)
  }
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node)
  return circles
}

/** The source files of `src/` under `root`, keyed by their path relative to it. */
export function readSources(root) {
  const files = new Map()
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (/\.(ts|vue)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.set(relative(root, full).replaceAll('\\', '/'), readFileSync(full, 'utf8'))
      }
    }
  }
  walk(join(root, 'src'))
  return files
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkImports(readSources(fileURLToPath(new URL('..', import.meta.url))))
  for (const line of problems) console.error(line)
  process.exitCode = problems.length === 0 ? 0 : 1
}
