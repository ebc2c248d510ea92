// `npm run build`, second step: the type declarations of tsconfig.build.json, one `.d.ts` beside each
// module of the dist. The sources import each other without extensions (Vite resolves them); Node's
// ESM resolution (moduleResolution node16 / nodenext) does not, so every relative specifier in the
// declarations is written as the file it names: `./hub` -> `./hub.js`, `./core` -> `./core/index.js`.
import { existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = fileURLToPath(new URL('..', import.meta.url))
const outDirArgument = process.argv.indexOf('--outDir')
const outDir = outDirArgument === -1 ? undefined : resolve(process.argv[outDirArgument + 1])

const configPath = join(root, 'tsconfig.build.json')
const config = ts.getParsedCommandLineOfConfigFile(configPath, outDir ? { outDir } : {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail([diagnostic]),
})
if (!config) process.exit(1)
if (config.errors.length > 0) fail(config.errors)

/** The specifier as Node's ESM resolution needs it, seen from the source file `from`. */
function withExtension(specifier, from) {
  if (!/^\.\.?(\/|$)/.test(specifier) || /\.(js|mjs|cjs|json)$/.test(specifier)) return specifier
  const target = resolve(dirname(from), specifier)
  if (existsSync(`${target}.ts`)) return `${specifier}.js`
  if (existsSync(join(target, 'index.ts'))) return `${specifier.replace(/\/$/, '')}/index.js`
  throw new Error(`${relative(root, from)}: cannot tell which file "${specifier}" names`)
}

/** Rewrites the module specifiers of imports, re-exports and `import('…')` types in one declaration file. */
const rewriteSpecifiers = (context) => (file) => {
  const source = ts.getOriginalNode(file).fileName ?? file.fileName
  const literal = (node) => ts.factory.createStringLiteral(withExtension(node.text, source))
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      return ts.factory.updateImportDeclaration(node, node.modifiers, node.importClause, literal(node.moduleSpecifier), node.attributes)
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      return ts.factory.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, literal(node.moduleSpecifier), node.attributes)
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      return ts.factory.updateImportTypeNode(
        node,
        ts.factory.updateLiteralTypeNode(node.argument, literal(node.argument.literal)),
        node.attributes,
        node.qualifier,
        ts.visitNodes(node.typeArguments, visit, ts.isTypeNode),
        node.isTypeOf,
      )
    }
    return ts.visitEachChild(node, visit, context)
  }
  return ts.visitNode(file, visit)
}

const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences })
const emitted = program.emit(undefined, undefined, undefined, true, { afterDeclarations: [rewriteSpecifiers] })
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]
if (diagnostics.length > 0) fail(diagnostics)

function fail(diagnostics) {
  process.stderr.write(
    ts.formatDiagnosticsWithColorAndContext(diagnostics, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    }),
  )
  process.exit(1)
}
