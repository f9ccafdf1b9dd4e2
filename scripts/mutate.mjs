#!/usr/bin/env node
// `npm run mutate`: proves the tests catch small, realistic bugs. Each entry of
// scripts/mutations.mjs (file, exact text, replacement, test files) is applied in a temporary copy
// of the repository, the entry's test files run there with vitest, and the entry is CAUGHT when
// they fail, SURVIVED when they pass. The run fails when any mutation survives, when an entry's
// text is missing or not unique in its file (a stale entry is an error, never a skip), or when the
// unmutated tests already fail (every mutation would look caught).
//
//   npm run mutate                      every entry, one at a time (the machine is shared)
//   npm run mutate -- --only sort,adam  entries whose name contains any of these words
//   npm run mutate -- --jobs 2          two copies run in parallel
//   npm run mutate -- --head            copy HEAD instead of the working tree
//   npm run mutate -- --list            print the entries and check them, run nothing
//   options: --timeout <s> per run (default 600), --keep (leave the copies), --verbose (test output)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATIONS } from './mutations.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function parseArgs(argv) {
  const o = { only: [], jobs: 1, head: false, list: false, keep: false, verbose: false, timeout: 600 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--only') o.only.push(...value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
    else if (a === '--jobs') o.jobs = Number(value());
    else if (a === '--timeout') o.timeout = Number(value());
    else if (a === '--head') o.head = true;
    else if (a === '--list') o.list = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose') o.verbose = true;
    else throw new Error(`unknown option ${a} (see the header of scripts/mutate.mjs)`);
  }
  if (!(Number.isInteger(o.jobs) && o.jobs >= 1)) throw new Error(`--jobs must be a positive integer, got ${o.jobs}`);
  if (!(o.timeout > 0)) throw new Error(`--timeout must be positive, got ${o.timeout}`);
  return o;
}

function git(args) {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'buffer', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Reads a file of the source the copies are made from (HEAD or the working tree). */
function sourceText(file, head) {
  if (head) return git(['show', `HEAD:${file}`]).toString('utf8');
  return readFileSync(join(ROOT, file), 'utf8');
}

function existsInSource(file, head) {
  if (!head) return existsSync(join(ROOT, file));
  return spawnSync('git', ['cat-file', '-e', `HEAD:${file}`], { cwd: ROOT }).status === 0;
}

function occurrences(text, find) {
  let n = 0;
  for (let at = text.indexOf(find); at >= 0; at = text.indexOf(find, at + 1)) n++;
  return n;
}

/** Problems with the entries themselves: a stale or ambiguous text, a missing test file. */
function checkEntries(entries, head) {
  const problems = [];
  const names = new Set();
  for (const m of entries) {
    if (names.has(m.name)) problems.push(`${m.name}: duplicate name`);
    names.add(m.name);
    if (m.find === m.replace) problems.push(`${m.name}: replacement equals the text`);
    if (!existsInSource(m.file, head)) {
      problems.push(`${m.name}: ${m.file} does not exist`);
      continue;
    }
    const n = occurrences(sourceText(m.file, head), m.find);
    if (n !== 1) problems.push(`${m.name}: the text to find occurs ${n} times in ${m.file} (must be exactly once): ${JSON.stringify(m.find)}`);
    for (const t of m.tests) if (!existsInSource(t, head)) problems.push(`${m.name}: test file ${t} does not exist`);
    if (m.tests.length === 0) problems.push(`${m.name}: no test files`);
  }
  return problems;
}

/** A copy of the repository at `dir/main`, with node_modules and ../shared linked in. */
function makeCopy(dir, head) {
  const main = join(dir, 'main');
  mkdirSync(main, { recursive: true });
  if (head) {
    const tar = git(['archive', '--format=tar', 'HEAD']);
    const r = spawnSync('tar', ['-x', '-C', main], { input: tar });
    if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  } else {
    const list = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']).toString('utf8').split('\0').filter(Boolean);
    for (const f of new Set(list)) {
      const from = join(ROOT, f);
      if (!existsSync(from)) continue; // deleted in the working tree
      mkdirSync(dirname(join(main, f)), { recursive: true });
      copyFileSync(from, join(main, f));
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(main, 'node_modules'));
  const shared = resolve(ROOT, '..', 'shared');
  if (existsSync(shared)) symlinkSync(realpathSync(shared), join(dir, 'shared'));
  return main;
}

/** Runs vitest on `tests` in `cwd`; resolves to { code, seconds, output, timedOut }. */
function runTests(cwd, tests, timeoutS, testName) {
  const env = { ...process.env };
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && existsSync(ICD)) env.VK_ICD_FILENAMES = ICD;
  if (!env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = '/tmp';
  const start = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...tests, ...(testName ? ['-t', testName] : [])], { cwd, env, detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, seconds: (Date.now() - start) / 1000, output, timedOut });
    });
  });
}

/** The lines of vitest's output that say which test failed and why. */
function failureSummary(output) {
  return output
    .split('\n')
    .filter((l) => /FAIL|AssertionError|Error:|×/.test(l))
    .slice(0, 4)
    .map((l) => `      ${l.trim().slice(0, 200)}`)
    .join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const entries = o.only.length === 0 ? MUTATIONS : MUTATIONS.filter((m) => o.only.some((w) => m.name.toLowerCase().includes(w)));
  if (entries.length === 0) throw new Error(`no mutation name contains ${o.only.join(' or ')}`);
  const problems = checkEntries(entries, o.head);
  if (o.list) for (const m of entries) console.log(`${m.name}\n    ${m.file}: ${JSON.stringify(m.find)} -> ${JSON.stringify(m.replace)}\n    tests: ${m.tests.join(' ')}`);
  if (problems.length > 0) {
    console.error(`mutate: ${problems.length} stale or broken entr${problems.length === 1 ? 'y' : 'ies'} in scripts/mutations.mjs:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  if (o.list) return;

  const base = mkdtempSync(join(tmpdir(), 'mutate-'));
  const cleanup = () => {
    if (!o.keep) rmSync(base, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    console.log(`mutate: ${entries.length} mutation(s), ${o.jobs} at a time, copies of ${o.head ? 'HEAD' : 'the working tree'} in ${base}`);
    const copies = Array.from({ length: Math.min(o.jobs, entries.length) }, (_, j) => makeCopy(join(base, `w${j}`), o.head));

    // Baseline: the unmutated tests must pass, or every mutation would look caught.
    // Entries with a `testName` run only the tests whose names match it (vitest -t, a regular expression): one baseline each.
    for (const testName of new Set(entries.map((m) => m.testName))) {
      const allTests = [...new Set(entries.filter((m) => m.testName === testName).flatMap((m) => m.tests))];
      const baseline = await runTests(copies[0], allTests, o.timeout * 2, testName);
      if (baseline.code !== 0) {
        console.error(`mutate: the unmutated tests fail (${baseline.timedOut ? 'timed out' : `exit ${baseline.code}`}); fix them first:\n${o.verbose ? baseline.output : failureSummary(baseline.output)}`);
        process.exitCode = 1;
        return;
      }
      console.log(`baseline: ${allTests.length} test file(s)${testName ? ` (tests named "${testName}")` : ''} pass unmutated (${baseline.seconds.toFixed(0)} s)`);
    }

    const results = [];
    let next = 0;
    const worker = async (main) => {
      while (next < entries.length) {
        const k = next++;
        const m = entries[k];
        const path = join(main, m.file);
        const original = readFileSync(path, 'utf8');
        writeFileSync(path, original.replace(m.find, () => m.replace));
        const r = await runTests(main, m.tests, o.timeout, m.testName);
        writeFileSync(path, original);
        const caught = r.code !== 0;
        results[k] = { m, caught, r };
        const verdict = caught ? (r.timedOut ? 'CAUGHT (timeout)' : 'CAUGHT') : 'SURVIVED';
        console.log(`[${String(k + 1).padStart(2)}/${entries.length}] ${verdict.padEnd(16)} ${m.name} (${r.seconds.toFixed(0)} s)`);
        if (o.verbose || (caught && !r.timedOut && process.env.MUTATE_SHOW_FAILURE)) console.log(failureSummary(r.output));
      }
    };
    await Promise.all(copies.map((c) => worker(c)));

    const survived = results.filter((x) => !x.caught);
    const caught = results.length - survived.length;
    console.log(`\nmutate: caught ${caught}/${results.length}`);
    if (survived.length > 0) {
      console.log(`survived (the tests did not notice):\n  ${survived.map((x) => `${x.m.name}  [${x.m.file}; ${x.m.tests.join(' ')}]`).join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    cleanup();
  }
}

main().catch((e) => {
  console.error(`mutate: ${e.message}`);
  process.exit(1);
});
