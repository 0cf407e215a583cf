#!/usr/bin/env node
// Declarations for the package's module entry (dist/lib/), after
// `tsc -p tsconfig.lib.json` has written them: the widget's sources
// `import type` the wire contract from `@parley/server/wire`, which an app
// that installs only @parley/widget does not have (and should not need: the
// server package compiles a native SQLite driver). So the types the widget
// uses are written into dist/lib/wire.d.ts, and every declaration file
// imports them from there.
//
// wire.ts declares some types as zod inferences (`z.infer<typeof schema>`):
// those are written out as the plain types the compiler infers, so the copy
// needs neither zod nor the server; interfaces and other aliases are copied
// as written, with their comments. Generated at every build from the server's
// sources, so it cannot drift from them; anything in wire.ts this script does
// not understand, or a result that does not compile alone, fails the build.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const LIB = fileURLToPath(new URL('../dist/lib/', import.meta.url));
const WIRE = fileURLToPath(import.meta.resolve('@parley/server/wire'));
const SPECIFIER = '@parley/server/wire';

function fail(message) {
  console.error(`lib-types: ${message}`);
  process.exit(1);
}

/** The declaration files under `dir`. */
function declarations(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarations(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** wire.ts's types as a standalone declaration file. */
function wireDeclarations() {
  const program = ts.createProgram([WIRE], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(WIRE);
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  const text = source.getFullText();
  /** The statement's own comments (its JSDoc), as written. */
  const comments = (node) =>
    (ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [])
      .map((range) => `${text.slice(range.pos, range.end)}\n`)
      .join('');
  /** The comments of each value (a schema), for the type inferred from it. */
  const valueComments = new Map();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      valueComments.set(d.name.getText(source), comments(statement));
    }
  }
  /** The comments of the value a type alias infers its type from (`typeof x`). */
  const inferredFrom = (node) => {
    let found = '';
    const visit = (n) => {
      if (ts.isTypeQueryNode(n)) found ||= valueComments.get(n.exprName.getText(source)) ?? '';
      ts.forEachChild(n, visit);
    };
    visit(node);
    return found;
  };
  /** Whether a type mentions a value (`typeof schema`) or zod (`z.infer`). */
  const needsValues = (node) => {
    let found = false;
    const visit = (n) => {
      if (ts.isTypeQueryNode(n)) found = true;
      else if (ts.isTypeReferenceNode(n) && n.typeName.getText(source).startsWith('z.'))
        found = true;
      else ts.forEachChild(n, visit);
    };
    visit(node);
    return found;
  };
  const out = [];
  for (const statement of source.statements) {
    // The zod schemas, their import and any function are values: not part of the types.
    if (
      ts.isImportDeclaration(statement) ||
      ts.isVariableStatement(statement) ||
      ts.isFunctionDeclaration(statement)
    ) {
      continue;
    }
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      if (!needsValues(statement)) {
        out.push(comments(statement) + statement.getText(source));
        continue;
      }
      if (!ts.isTypeAliasDeclaration(statement)) {
        fail(`${statement.name.text} in wire.ts mentions a value or zod inside an interface`);
      }
      const type = checker.getTypeFromTypeNode(statement.type);
      const node = checker.typeToTypeNode(
        type,
        undefined,
        ts.NodeBuilderFlags.NoTruncation |
          ts.NodeBuilderFlags.InTypeAlias |
          ts.NodeBuilderFlags.MultilineObjectLiterals,
      );
      const alias = ts.factory.updateTypeAliasDeclaration(
        statement,
        statement.modifiers,
        statement.name,
        statement.typeParameters,
        node,
      );
      out.push(
        (comments(statement) || inferredFrom(statement.type)) +
          printer.printNode(ts.EmitHint.Unspecified, alias, source),
      );
      continue;
    }
    fail(`wire.ts has a ${ts.SyntaxKind[statement.kind]}, which this script does not copy`);
  }
  return [
    '// Generated by scripts/lib-types.mjs from @parley/server (src/wire.ts): the',
    "// server's JSON contract, as the widget's declarations use it. Do not edit.",
    '',
    out.join('\n\n'),
    '',
  ].join('\n');
}

/** Fails unless `file` and what it imports compile with no error. */
function check(file) {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
  });
  const errors = ts.getPreEmitDiagnostics(program);
  if (errors.length > 0) {
    const host = {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => process.cwd(),
      getNewLine: () => '\n',
    };
    fail(`the declarations do not compile:\n${ts.formatDiagnostics(errors, host)}`);
  }
}

writeFileSync(join(LIB, 'wire.d.ts'), wireDeclarations());
let rewritten = 0;
for (const file of declarations(LIB)) {
  const before = readFileSync(file, 'utf8');
  let target = relative(join(file, '..'), join(LIB, 'wire.js'));
  if (!target.startsWith('.')) target = `./${target}`;
  const after = before.replaceAll(`'${SPECIFIER}'`, `'${target}'`);
  if (after.includes(SPECIFIER)) fail(`${file} still names ${SPECIFIER}`);
  if (after !== before) {
    writeFileSync(file, after);
    rewritten++;
  }
}
for (const file of readdirSync(LIB, { recursive: true })) {
  if (!String(file).endsWith('.js')) continue;
  if (readFileSync(join(LIB, String(file)), 'utf8').includes('@parley/server')) {
    fail(`${file} imports @parley/server at run time: the widget may only import its types`);
  }
}
check(join(LIB, 'index.d.ts'));
console.log(`lib-types: wrote dist/lib/wire.d.ts; ${rewritten} declaration files now import it`);
