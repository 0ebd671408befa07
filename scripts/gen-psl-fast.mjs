/**
 * Generates src/indicators/psl-fast-data.ts: the part of tldts' public-suffix data that
 * src/indicators/psl-fast.ts needs to answer `getDomain` for the common case without tldts.
 *
 * Usage: `node scripts/gen-psl-fast.mjs` (after every tldts upgrade; test/indicators/psl-fast.test.ts
 * fails until the committed file matches the installed tldts). Dev-time only: nothing imports this at
 * run time, and it reads tldts' own data file, so the answer is tldts' (rules as it ships them), not
 * an independently fetched Public Suffix List that could disagree with it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** The output file, relative to the repository root. */
const OUTPUT = 'src/indicators/psl-fast-data.ts';
/** The flag bits tldts tests with `allowPrivateDomains: true` (1 = ICANN rule, 2 = private rule). */
const RULE_MASK = 3;
/** The flag bit of an ICANN-section rule. */
const ICANN = 1;
/** The typed arrays and roots tldts' suffix-trie.js imports from data/trie.js. */
const TRIE_EXPORTS = [
  'nodeFlags',
  'edgeStart',
  'edgeLength',
  'edgeChild',
  'labelText',
  'rulesRoot',
  'exceptionsRoot',
];

/** The installed tldts: its root folder and version. */
function tldtsPackage() {
  const manifest = createRequire(import.meta.url).resolve('tldts/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
  if (typeof version !== 'string') throw new Error(`${manifest}: no version`);
  return { root: dirname(manifest), version };
}

/**
 * tldts' flat trie. data/trie.js is ES module syntax in a package without `"type": "module"`, so it
 * cannot be imported as is: its text is evaluated in an empty `vm` context instead, after dropping the
 * `export` keywords and the bundler annotations. Only the declarations suffix-trie.js relies on are
 * taken, and their shape is checked, so a format change fails here rather than producing wrong data.
 */
export function readTldtsTrie() {
  const { root, version } = tldtsPackage();
  const file = join(root, 'dist/es6/src/data/trie.js');
  const source = readFileSync(file, 'utf8');
  const declared = [...source.matchAll(/^export const (\w+) =/gm)].map((m) => m[1]);
  const missing = TRIE_EXPORTS.filter((name) => !declared.includes(name));
  if (missing.length > 0) throw new Error(`${file}: no export ${missing.join(', ')} (trie format changed?)`);
  if (/^\s*(import|export)\s+(?!const )/m.test(source)) {
    throw new Error(`${file}: unexpected import/export (trie format changed?)`);
  }
  const script = source.replace(/^export const /gm, 'const ').replaceAll('/*#__PURE__*/', '');
  const trie = vm.runInNewContext(`${script}\n;({ ${TRIE_EXPORTS.join(', ')} });`, {}, { filename: file });

  const { nodeFlags, edgeStart, edgeLength, edgeChild, labelText, rulesRoot, exceptionsRoot } = trie;
  const nodes = nodeFlags.length;
  const edges = edgeLength.length;
  const labelsLength = edgeLength.reduce((sum, n) => sum + n, 0);
  if (
    typeof labelText !== 'string' ||
    edgeStart.length !== nodes + 1 ||
    edgeStart[nodes] !== edges ||
    edgeChild.length !== edges ||
    labelsLength !== labelText.length ||
    !Number.isInteger(rulesRoot) ||
    !Number.isInteger(exceptionsRoot) ||
    rulesRoot >= nodes ||
    exceptionsRoot >= nodes ||
    edgeChild.some((child) => child >= nodes)
  ) {
    throw new Error(`${file}: inconsistent trie arrays (trie format changed?)`);
  }
  // Labels are stored back to back in edge order (suffix-trie.js derives the same offsets at load).
  const edgeOffset = new Uint32Array(edges);
  for (let edge = 0, offset = 0; edge < edges; edge++) {
    edgeOffset[edge] = offset;
    offset += edgeLength[edge];
  }
  /** The `[label, child]` pairs of `node`. */
  const children = (node) => {
    const out = [];
    for (let edge = edgeStart[node]; edge < edgeStart[node + 1]; edge++) {
      const at = edgeOffset[edge];
      out.push([labelText.slice(at, at + edgeLength[edge]), edgeChild[edge]]);
    }
    return out;
  };
  /** Whether `node` is a rule (or exception) for tldts called with `allowPrivateDomains: true`. */
  const isRule = (node) => (nodeFlags[node] & RULE_MASK) !== 0;
  /** Whether `node` is an ICANN-section rule (what tldts reports as `isIcann`). */
  const isIcann = (node) => (nodeFlags[node] & ICANN) !== 0;
  return { version, rulesRoot, exceptionsRoot, children, isRule, isIcann };
}

/**
 * Every rule of one trie, as PSL text without the `!` (`co.uk`, `*.ck`, `www.ck`), sorted. The trie
 * shares subtrees between parents (it is a DAG), so this walks paths, not nodes.
 */
function rulesOf(trie, root) {
  const out = [];
  const visit = (node, suffix) => {
    for (const [label, child] of trie.children(node)) {
      const name = suffix === '' ? label : `${label}.${suffix}`;
      if (trie.isRule(child)) out.push(name);
      visit(child, name);
    }
  };
  visit(root, '');
  return out.sort();
}

/**
 * All rules and exception rules tldts applies with `allowPrivateDomains: true` (ICANN and private),
 * exception rules without their `!`. Used by the tests to build their corpus.
 */
export function pslRules() {
  const trie = readTldtsTrie();
  return { rules: rulesOf(trie, trie.rulesRoot), exceptions: rulesOf(trie, trie.exceptionsRoot) };
}

/**
 * The data psl-fast.ts needs, from the installed tldts:
 * - `deepBases`: every `sld.tld` with a rule or exception rule equal to it or beneath it — for a name
 *   under one of these, tldts' walk goes past the second label and the suffix may be longer than `tld`;
 * - `slowTlds`: every TLD with a wildcard rule `*.tld` (then every `sld.tld` is a public suffix) or
 *   with any exception rule;
 * - `icannTlds`: every TLD that is an ICANN-section rule (tldts' `parse(tld).isIcann`), so the
 *   classifier can tell a real TLD without loading tldts;
 * - `tldtsVersion`: the version they were read from.
 * The lists are sorted and free of duplicates.
 */
export function pslFastData() {
  const trie = readTldtsTrie();
  // A top-level wildcard or exception would make every TLD slow; the PSL has none, and psl-fast.ts
  // assumes that, so refuse rather than emit data it would misread.
  for (const root of [trie.rulesRoot, trie.exceptionsRoot]) {
    if (trie.children(root).some(([label]) => label === '*'))
      throw new Error('tldts has a top-level `*` rule');
  }
  const deep = new Set();
  const slow = new Set();
  const ruleBeneath = new Map();
  /** Whether `node` or anything beneath it is a rule (memoised: subtrees are shared). */
  const hasRule = (node) => {
    let known = ruleBeneath.get(node);
    if (known === undefined) {
      known = trie.isRule(node) || trie.children(node).some(([, child]) => hasRule(child));
      ruleBeneath.set(node, known);
    }
    return known;
  };
  for (const [tld, tldNode] of trie.children(trie.rulesRoot)) {
    for (const [sld, sldNode] of trie.children(tldNode)) {
      if (sld === '*') slow.add(tld);
      else if (hasRule(sldNode)) deep.add(`${sld}.${tld}`);
    }
  }
  for (const [tld, tldNode] of trie.children(trie.exceptionsRoot)) {
    slow.add(tld);
    for (const [sld, sldNode] of trie.children(tldNode)) {
      if (hasRule(sldNode)) deep.add(`${sld}.${tld}`);
    }
  }
  const icann = trie
    .children(trie.rulesRoot)
    .filter(([, node]) => trie.isIcann(node))
    .map(([tld]) => tld);
  return {
    deepBases: [...deep].sort(),
    slowTlds: [...slow].sort(),
    icannTlds: [...new Set(icann)].sort(),
    tldtsVersion: trie.version,
  };
}

/** Characters a single-quoted literal cannot hold as they are (labels never have them; be safe). */
const UNSAFE = /[\\'\n\r\u2028\u2029]/g;

/** A single-quoted TS string literal (the repository's prettier style), one line however long. */
function literal(text) {
  const escape = (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${text.replace(UNSAFE, escape)}'`;
}

/** `export const name = value;` laid out as prettier (printWidth 110) lays it out. */
function constant(name, value) {
  const line = `export const ${name} = ${value};`;
  return line.length <= 110 ? line : `export const ${name} =\n  ${value};`;
}

/** The text of psl-fast-data.ts for `data`. */
export function renderPslFastData(data) {
  return [
    `// Generated by scripts/gen-psl-fast.mjs from tldts ${data.tldtsVersion}; do not edit.`,
    '// Regenerate after upgrading tldts: node scripts/gen-psl-fast.mjs',
    '',
    '/** The tldts version this data was read from. */',
    constant('PSL_TLDTS_VERSION', literal(data.tldtsVersion)),
    '',
    '/** Every `sld.tld` with a public-suffix rule or exception at or beneath it, newline-separated. */',
    constant('PSL_DEEP_BASES', literal(data.deepBases.join('\n'))),
    '',
    '/** Every TLD with a `*.tld` rule or any exception rule, newline-separated. */',
    constant('PSL_SLOW_TLDS', literal(data.slowTlds.join('\n'))),
    '',
    '/** Every TLD that is an ICANN-section rule, newline-separated. */',
    constant('PSL_ICANN_TLDS', literal(data.icannTlds.join('\n'))),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const data = pslFastData();
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', OUTPUT);
  writeFileSync(out, renderPslFastData(data));
  const { deepBases, slowTlds, tldtsVersion } = data;
  process.stdout.write(
    `${OUTPUT}: tldts ${tldtsVersion}, ${deepBases.length} deep bases, ${slowTlds.length} slow TLDs\n`,
  );
}
