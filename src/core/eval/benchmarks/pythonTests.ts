// Runs one RefactorBench test file with the user's python3 and reads what each test method did. The tests read
// the changed sources with `ast` and open them as '../<path>', so they run from a fresh folder one level below
// the copy's root. The run is a child process in its own process group, killed whole at its timeout or on
// cancel; its output is cut to its tail; python3 runs isolated (-I: no script folder, user site or PYTHON*
// variables on sys.path, so a file the model wrote cannot shadow `ast` or `unittest`), writes no bytecode
// (-B), and gets no API key from our environment.

import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const PYTHON = 'python3';
/** A test file that has not finished by then is killed; RefactorBench's take well under a second. */
export const TEST_TIMEOUT_MS = 120_000;
/** Characters of the tests' own output kept (the tail). */
export const OUTPUT_TAIL_CHARS = 8_000;

export interface TestMethodResult {
  test: string;
  outcome: 'pass' | 'fail' | 'error' | 'skip';
  why?: string;
  /** The error is the test's own fault: it called a standard-library attribute that does not exist. */
  broken?: boolean;
}

export interface TestFileRun {
  results: TestMethodResult[];
  /** The tail of stdout and stderr, as the tests printed them. */
  output: string;
  exitCode: number | null;
  timedOut: boolean;
}

// Loads the file by path (its name may have dashes), runs every test with a result that records each method.
// A test whose error is "module 'ast' has no attribute ..." on a standard-library module is marked broken:
// RefactorBench's django path-traversal test calls ast.iter_parent_nodes, which no Python has.
const RUNNER = String.raw`
import importlib.util, json, re, sys, traceback, unittest
path, out = sys.argv[1], sys.argv[2]
stdlib = getattr(sys, "stdlib_module_names", {"ast", "os", "re", "sys", "io", "json", "unittest", "pathlib", "inspect", "typing"})
results = []
def why(err):
    lines = traceback.format_exception_only(err[0], err[1])
    return lines[-1].strip()[:300] if lines else str(err[1])[:300]
def broken(err):
    m = re.match(r"module '([\w.]+)' has no attribute", str(err[1]))
    return isinstance(err[1], AttributeError) and m is not None and m.group(1).split(".")[0] in stdlib
class Recorder(unittest.TextTestResult):
    def addSuccess(self, test):
        super().addSuccess(test); results.append({"test": test.id(), "outcome": "pass"})
    def addFailure(self, test, err):
        super().addFailure(test, err); results.append({"test": test.id(), "outcome": "fail", "why": why(err)})
    def addError(self, test, err):
        super().addError(test, err); results.append({"test": test.id(), "outcome": "error", "why": why(err), "broken": broken(err)})
    def addSkip(self, test, reason):
        super().addSkip(test, reason); results.append({"test": test.id(), "outcome": "skip", "why": str(reason)[:300]})
try:
    spec = importlib.util.spec_from_file_location("refactorbench_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
except BaseException as e:
    results.append({"test": "<load>", "outcome": "error", "why": why((type(e), e, None)), "broken": True})
else:
    unittest.TextTestRunner(stream=sys.stderr, resultclass=Recorder, verbosity=1).run(suite)
with open(out, "w") as f:
    json.dump(results, f)
`;

export class PythonMissing extends Error {
  override name = 'PythonMissing';
}

/** The user's python3 version ("3.11.7"), or a PythonMissing error that says how to get one. */
export function pythonVersion(python = PYTHON, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { timeout: 10_000, env: { PATH: env.PATH ?? '' } }, (err, stdout) => {
      if (err) {
        reject(new PythonMissing(`${python} ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'was not found on PATH' : `did not run (${err.message.split('\n')[0]})`}: RefactorBench's tests need Python 3.8 to 3.13 and nothing else (Debian/Ubuntu: apt-get install python3; macOS: brew install python3)`));
        return;
      }
      resolve(stdout.trim());
    });
  });
}

/**
 * Runs `testFile` (never modified: a copy is run) from a new folder directly under `root`. `scratchDir` is where
 * the results file goes (outside the copy).
 */
export async function runTestFile(testFile: string, root: string, scratchDir: string, options: { signal?: AbortSignal; timeoutMs?: number; python?: string; env?: NodeJS.ProcessEnv } = {}): Promise<TestFileRun> {
  const runDir = mkdtempSync(join(root, '.rlm-eval-tests-'));
  const script = join(runDir, basename(testFile));
  copyFileSync(testFile, script);
  const resultsFile = join(mkdtempSync(join(scratchDir, 'results-')), 'results.json');
  const child = spawn(options.python ?? PYTHON, ['-I', '-B', '-c', RUNNER, script, resultsFile], {
    cwd: runDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: (options.env ?? process.env).PATH ?? '', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  });
  let output = '';
  let cut = false;
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_TAIL_CHARS * 2) {
      output = output.slice(-OUTPUT_TAIL_CHARS);
      cut = true;
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let timedOut = false;
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => { timedOut = true; killGroup(); }, options.timeoutMs ?? TEST_TIMEOUT_MS);
  options.signal?.addEventListener('abort', killGroup, { once: true });
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', (err) => reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new PythonMissing(`${options.python ?? PYTHON} was not found on PATH: RefactorBench's tests need Python 3.8 to 3.13`) : err));
      child.once('close', (code) => resolve(code));
    });
    let results: TestMethodResult[] = [];
    try {
      results = JSON.parse(readFileSync(resultsFile, 'utf8')) as TestMethodResult[];
    } catch {
      // Killed, or Python died before writing: no test counts as passed.
    }
    const tail = cut || output.length > OUTPUT_TAIL_CHARS ? `[... cut ...]\n${output.slice(-OUTPUT_TAIL_CHARS)}` : output;
    return { results, output: tail, exitCode, timedOut };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', killGroup);
  }
}
