/**
 * The folders show the architecture (STYLE.md, "Shape"): imports run one way,
 * contracts <- streams <- server, and client and seed see contracts only; and files stay under
 * 300 lines. Both read the real files, parsed by the TypeScript compiler (comments and strings
 * that merely look like imports do not count), and say which files break the rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/process.js';

/** Each checked folder, what it may import (by area of the project), and how many files it has at least. */
const FOLDERS = [
  { dir: 'contracts', may: ['contracts'], minFiles: 8 },
  { dir: 'streams', may: ['contracts', 'streams'], minFiles: 15 },
  { dir: 'server', may: ['contracts', 'streams', 'server', 'seed'], minFiles: 15 },
  { dir: 'client/src', may: ['contracts', 'client'], minFiles: 25 },
  { dir: 'seed', may: ['contracts', 'seed'], minFiles: 5 },
] as const;

const SKIP_DIRS = new Set(['node_modules', 'dist']);

/** Project-relative paths (with `/`) of the files under `dir` whose extension is one of `exts`. */
function filesUnder(dir: string, exts: readonly string[]): string[] {
  const entries = readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && exts.includes(extname(e.name)))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((path) => !path.split('/').some((part) => SKIP_DIRS.has(part)))
    .sort();
}

/** Every module specifier a file names: static imports, `export ... from`, `import('...')` and `import('...')` types. */
export function moduleSpecifiers(fileName: string, text: string): string[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) => {
    if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) literal(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) literal(node.moduleReference.expression);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The area of the project a project-relative path lies in: `client` for all of client/, else its first segment. */
function areaOf(path: string): string {
  if (path.startsWith('../') || path === '..') return '(outside the repository)';
  return path.startsWith('client/') ? 'client' : path.split('/')[0];
}

/**
 * The imports of one file (project-relative path, its text) that go against the direction, as
 * `file -> target` (target project-relative). Libraries and `node:` builtins are always allowed.
 */
export function layoutViolations(file: string, text: string): string[] {
  const folder = FOLDERS.find((f) => file.startsWith(`${f.dir}/`));
  if (!folder) throw new Error(`${file} is in none of the checked folders`);
  const out: string[] = [];
  for (const specifier of moduleSpecifiers(file, text)) {
    if (!specifier.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    if (!(folder.may as readonly string[]).includes(areaOf(target))) out.push(`${file} -> ${target}`);
  }
  return out;
}

describe('the checker (self-check on in-memory files)', () => {
  it('flags imports, re-exports, dynamic imports and import types against the direction', () => {
    const sample = [
      "import { createApp } from '../server/app.js';",
      "import type {",
      "  EventLog,",
      "} from '../streams/embedded/embedded-event-log.js';",
      "export * from '../server/capacity/signing.js';",
      "export { x } from './own.js';",
      "const later = () => import('../streams/main.js');",
      "type T = import('../server/runtime.js').Runtime;",
      "// import { nope } from '../server/commented-out.js';",
      "const text = \"import x from '../server/in-a-string.js'\";",
      "import { z } from 'zod';",
      "import { readFileSync } from 'node:fs';",
      "import { OpsEvent } from '../contracts/events.js';",
      "import '../scripts/start.js';",
    ].join('\n');
    expect(layoutViolations('seed/sample.ts', sample)).toEqual([
      'seed/sample.ts -> server/app.js',
      'seed/sample.ts -> streams/embedded/embedded-event-log.js',
      'seed/sample.ts -> server/capacity/signing.js',
      'seed/sample.ts -> streams/main.js',
      'seed/sample.ts -> server/runtime.js',
      'seed/sample.ts -> scripts/start.js',
    ]);
  });

  it('resolves nested folders and allows what each folder may see', () => {
    const client = "import { a } from '../../../../contracts/events.js';\nimport { b } from '../../store';\nimport c from '../../../../server/app.js';\nimport './lead.css';";
    expect(layoutViolations('client/src/components/lead/X.tsx', client)).toEqual(['client/src/components/lead/X.tsx -> server/app.js']);
    expect(layoutViolations('server/capacity/x.ts', "import { s } from '../../seed/simulator.js';\nimport { k } from '../../streams/kafka/x.js';")).toEqual([]);
    expect(layoutViolations('contracts/x.ts', "import { y } from './y.js';\nimport { s } from '../streams/x.js';\nimport p from '../package.json';")).toEqual([
      'contracts/x.ts -> streams/x.js',
      'contracts/x.ts -> package.json',
    ]);
    expect(layoutViolations('streams/x.ts', "import { y } from '../../elsewhere/y.js';")).toEqual(['streams/x.ts -> ../elsewhere/y.js']);
  });
});

describe('imports run one way: contracts <- streams <- server; client and seed see contracts only', () => {
  it.each(FOLDERS.map((f) => [f.dir, f] as const))('%s', (_, folder) => {
    const files = filesUnder(folder.dir, ['.ts', '.tsx']);
    // A broken file walk must not pass by finding nothing to check.
    expect(files.length, `files found under ${folder.dir}/`).toBeGreaterThanOrEqual(folder.minFiles);
    let specifiers = 0;
    const violations: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      specifiers += moduleSpecifiers(file, text).length;
      violations.push(...layoutViolations(file, text));
    }
    expect(specifiers, `imports found under ${folder.dir}/`).toBeGreaterThan(files.length);
    expect(violations, `${folder.dir}/ may import ${folder.may.join(', ')} only; these go against the direction:\n${violations.join('\n')}\n`).toEqual([]);
  });
});

describe('files stay under 300 lines', () => {
  const SOURCE_DIRS = ['contracts', 'streams', 'server', 'seed', 'client/src', 'scripts', 'test'];
  const EXTS = ['.ts', '.tsx', '.css', '.mjs', '.sh'];
  const MAX_LINES = 300;

  it('in contracts/ streams/ server/ seed/ client/src/ scripts/ test/ (.ts .tsx .css .mjs .sh)', () => {
    const files = SOURCE_DIRS.flatMap((dir) => filesUnder(dir, EXTS));
    expect(files.length).toBeGreaterThan(150);
    // .mjs is counted where it exists; the others must be found, or the file walk is broken.
    for (const ext of EXTS.filter((e) => e !== '.mjs')) expect(files.some((f) => f.endsWith(ext)), `some ${ext} file is counted`).toBe(true);
    const lineCount = (text: string) => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
    const offenders = files
      .map((file) => ({ file, lines: lineCount(readFileSync(join(ROOT, file), 'utf8')) }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(offenders, `over ${MAX_LINES} lines; split them by meaning:\n${offenders.join('\n')}\n`).toEqual([]);
  });
});
