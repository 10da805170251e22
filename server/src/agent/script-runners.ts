// Commands that run code the workspace defines. An allow rule for `npm test` trusts what `npm test`
// does today; once the agent has rewritten package.json's "test" script, the same words run whatever
// it wrote (config write → code execution, the class of Cline/Cursor CVEs where an allowed command ran
// agent-modified configuration). So a command that starts such a runner asks again, after any
// allow rule and any remembered "always", when the agent changed in this run a file that runner
// executes or reads its commands from, or when the same command line names such a file elsewhere
// (`sed -i … package.json && npm test`).
//
// The table is data: runner → the workspace files (globs) it runs. A glob without "/" matches a file
// name in any folder (`cd sub && make` reads sub/Makefile); one with "/" matches that path at any
// depth; matching ignores case. What is NOT covered, by design: the source and test files a runner
// then loads (`npm test` runs the tests the agent just edited — that is what a test run is for).
// Allowing a test runner means allowing the code the agent writes to run; keep such commands at
// "ask" where that matters (README, Command rules).
import type { SimpleCommand } from "./shell-parse";
import { basename } from "./shell-wrappers";

export interface ScriptRunner {
  /** Shown in the reason: "npm runs package.json …". */
  runner: string;
  /** Command names (argv[0] without its folder) that start it. */
  commands: readonly string[];
  /** Only these subcommands (the first argument that is not an option); every invocation when absent. */
  subcommands?: readonly string[];
  /** Workspace files it executes or reads what to execute from. */
  files: readonly string[];
}

const NODE_PACKAGE_FILES = ["package.json", ".npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmfile.cjs", ".pnpmfile.mjs", "pnpm-workspace.yaml", "bunfig.toml", ".pnp.cjs", ".pnp.loader.mjs", ".yarn/**", "node_modules/.bin/**", "node_modules/.hooks/**"];
const PYTHON_PROJECT_FILES = ["pyproject.toml", "setup.py", "setup.cfg", "poetry.toml", "uv.toml", "pdm.toml", "hatch.toml", "Pipfile"];

export const SCRIPT_RUNNERS: readonly ScriptRunner[] = [
  // Package scripts, lifecycle scripts (install, pretest, …), local bins and the package manager's own config.
  { runner: "npm", commands: ["npm", "npx"], files: NODE_PACKAGE_FILES },
  { runner: "pnpm", commands: ["pnpm", "pnpx"], files: NODE_PACKAGE_FILES },
  { runner: "yarn", commands: ["yarn", "yarnpkg"], files: NODE_PACKAGE_FILES },
  { runner: "bun", commands: ["bun", "bunx"], files: NODE_PACKAGE_FILES },
  { runner: "corepack", commands: ["corepack"], files: NODE_PACKAGE_FILES },
  { runner: "deno", commands: ["deno"], subcommands: ["task", "test", "bench", "install", "run"], files: ["deno.json", "deno.jsonc", "package.json"] },
  { runner: "make", commands: ["make", "gmake", "bmake", "remake"], files: ["Makefile", "makefile", "GNUmakefile", "*.mk", "*.make"] },
  { runner: "just", commands: ["just"], files: ["justfile", ".justfile", "*.just"] },
  { runner: "rake", commands: ["rake"], files: ["Rakefile", "Rakefile.rb", "rakefile.rb", "*.rake"] },
  { runner: "bundler", commands: ["bundle", "bundler"], files: ["Gemfile", "*.gemspec", ".bundle/config"] },
  // conftest.py is imported by pytest before any test; ini files can add plugins (-p) and options.
  { runner: "pytest", commands: ["pytest", "py.test"], files: ["conftest.py", "pytest.ini", ".pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"] },
  { runner: "tox", commands: ["tox"], files: ["tox.ini", ...PYTHON_PROJECT_FILES] },
  { runner: "nox", commands: ["nox"], files: ["noxfile.py"] },
  { runner: "pip", commands: ["pip", "pip3"], subcommands: ["install", "wheel", "download"], files: PYTHON_PROJECT_FILES },
  { runner: "a Python project tool", commands: ["poetry", "uv", "uvx", "pdm", "hatch", "pipenv", "rye"], files: PYTHON_PROJECT_FILES },
  { runner: "pre-commit", commands: ["pre-commit"], files: [".pre-commit-config.yaml", ".pre-commit-hooks.yaml"] },
  { runner: "gradle", commands: ["gradle", "gradlew"], files: ["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradle.properties", "*.gradle", "*.gradle.kts", "gradlew", "gradle/**", "buildSrc/**"] },
  { runner: "maven", commands: ["mvn", "mvnw"], files: ["pom.xml", "mvnw", ".mvn/**"] },
  { runner: "sbt", commands: ["sbt"], files: ["build.sbt", "*.sbt", "project/**", ".sbtopts", ".jvmopts"] },
  // build.rs and the config's runners/aliases run on build, test and run.
  { runner: "cargo", commands: ["cargo"], files: ["Cargo.toml", "build.rs", ".cargo/config", ".cargo/config.toml", "rust-toolchain", "rust-toolchain.toml"] },
  // go generate runs the //go:generate lines of any .go file; go.mod can name a toolchain.
  { runner: "go generate", commands: ["go"], subcommands: ["generate"], files: ["*.go"] },
  { runner: "go", commands: ["go"], files: ["go.mod", "go.work"] },
  { runner: "cmake", commands: ["cmake", "ctest", "cpack"], files: ["CMakeLists.txt", "*.cmake", "CMakePresets.json", "CMakeUserPresets.json"] },
  { runner: "meson", commands: ["meson"], files: ["meson.build", "meson_options.txt", "meson.options"] },
  { runner: "ninja", commands: ["ninja"], files: ["build.ninja", "*.ninja"] },
  { runner: "bazel", commands: ["bazel", "bazelisk"], files: ["BUILD", "BUILD.bazel", "WORKSPACE", "WORKSPACE.bazel", "MODULE.bazel", "*.bzl", ".bazelrc", ".bazelversion"] },
  { runner: "dotnet", commands: ["dotnet", "msbuild"], files: ["*.csproj", "*.fsproj", "*.vbproj", "*.proj", "*.sln", "*.props", "*.targets", "global.json", "nuget.config"] },
  { runner: "composer", commands: ["composer"], files: ["composer.json"] },
  { runner: "phpunit", commands: ["phpunit"], files: ["phpunit.xml", "phpunit.xml.dist"] },
  { runner: "docker", commands: ["docker", "podman", "docker-compose", "podman-compose"], files: ["Dockerfile", "*.Dockerfile", "Containerfile", "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", "docker-compose.*.yml", "docker-compose.*.yaml"] },
];

/**
 * Commands that start another command named in their arguments (`bundle exec rake`, `poetry run
 * pytest`, `python -m pytest`): the words after them are looked up in the table too.
 */
const LAUNCHERS = new Set(["bundle", "bundler", "poetry", "uv", "uvx", "pdm", "hatch", "pipenv", "rye", "npx", "pnpx", "bunx", "pnpm", "yarn", "bun", "npm", "python", "python3", "py", "nix", "nix-shell", "direnv", "dotenv", "cross-env", "conda", "mamba", "pixi"]);

/** Interpreters whose argument words name the script they run (`bash build.sh`, `node -r ./hook.js x.js`). */
const INTERPRETERS = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "node", "nodejs", "deno", "bun", "tsx", "ts-node", "python", "python2", "python3", "py", "pypy", "pypy3", "ruby", "perl", "php", "lua", "luajit", "Rscript", "pwsh", "powershell", "awk", "gawk", "osascript", "groovy", "kotlin", "java", "jshell", "elixir", "swift"]);

/**
 * Why this command line must ask again: one reason per runner whose files the agent changed in this run
 * (`changedPaths`, workspace-relative) or that another command on the same line names. Empty when none.
 */
export function scriptRunnerReasons(commands: readonly SimpleCommand[], changedPaths: readonly string[]): string[] {
  const changed = changedPaths.map(normalize).filter((p) => p !== "");
  const reasons = new Set<string>();
  for (const command of commands) {
    for (const { runner, files } of runnersOf(command.argv)) {
      const touched = changed.filter((p) => files.some((glob) => globMatches(glob, p)));
      if (touched.length > 0) reasons.add(`${runner} runs ${list(touched)}, which the agent changed in this run: asking again, whatever the rules or an earlier "always" say`);
      const named = commands.filter((other) => other !== command).flatMap((other) => wordsOf(other).filter((word) => files.some((glob) => globMatches(glob, normalize(word)))));
      if (named.length > 0) reasons.add(`${runner} runs ${list(named)}, which this command line also names (it may change it first): asking`);
    }
    const scripts = scriptFiles(command.argv).filter((script) => changed.some((p) => sameFile(p, script)));
    if (scripts.length > 0) reasons.add(`this command runs ${list(scripts)}, which the agent changed in this run: asking again, whatever the rules or an earlier "always" say`);
  }
  return [...reasons];
}

/** Table rows this argv starts, directly or through a launcher (`bundle exec rake`). */
function runnersOf(argv: readonly string[], depth = 0): ScriptRunner[] {
  const name = argv[0] === undefined ? "" : basename(argv[0]);
  if (name === "") return [];
  const sub = argv.slice(1).find((word) => !word.startsWith("-"));
  const found = SCRIPT_RUNNERS.filter((row) => row.commands.includes(name) && (!row.subcommands || (sub !== undefined && row.subcommands.includes(sub))));
  if (LAUNCHERS.has(name) && depth < 3) {
    for (let i = 1; i < argv.length; i++) {
      const word = argv[i]!;
      // `python -m pytest`: the module is the command.
      const inner = argv[i - 1] === "-m" ? [word, ...argv.slice(i + 1)] : argv.slice(i);
      if (!word.startsWith("-")) found.push(...runnersOf(inner, depth + 1));
    }
  }
  return [...new Set(found)];
}

/** Files a command runs as a script: argv[0] given as a path (`./build.sh`), an interpreter's file arguments, `python -m pkg.mod`. */
function scriptFiles(argv: readonly string[]): string[] {
  const files: string[] = [];
  const name = argv[0] ?? "";
  if (name.includes("/")) files.push(normalize(name));
  const interpreter = basename(name).replace(/\d+(\.\d+)*$/, "");
  if (INTERPRETERS.has(basename(name)) || INTERPRETERS.has(interpreter)) {
    for (let i = 1; i < argv.length; i++) {
      const word = argv[i]!;
      if (argv[i - 1] === "-m") {
        const module = word.replace(/\./g, "/");
        files.push(`${module}.py`, `${module}/__main__.py`, `${module}/__init__.py`);
      } else if (!word.startsWith("-")) files.push(normalize(word.slice(word.indexOf("=") + 1)));
      else if (word.includes("=")) files.push(normalize(word.slice(word.indexOf("=") + 1)));
    }
  }
  return files.filter((file) => file !== "");
}

function wordsOf(command: SimpleCommand): string[] {
  return [...command.argv.slice(1), ...command.redirects.map((r) => r.target)].flatMap((word) => [word, ...(word.includes("=") ? [word.slice(word.indexOf("=") + 1)] : [])]);
}

/** Forward slashes, no leading "./", "../" or "/" segments (matching is by path suffix anyway). */
function normalize(file: string): string {
  const segments = file.replace(/\\/g, "/").split("/").filter((s) => s !== "" && s !== ".");
  while (segments[0] === "..") segments.shift();
  return segments.join("/");
}

/** A changed path and a script path name the same file when one is a path suffix of the other. */
function sameFile(changed: string, script: string): boolean {
  const a = changed.toLowerCase();
  const b = script.toLowerCase();
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

const globCache = new Map<string, RegExp>();

/** `glob` (see the file comment) against a workspace-relative path; case-insensitive. */
export function globMatches(glob: string, file: string): boolean {
  let pattern = globCache.get(glob);
  if (!pattern) {
    const body = glob
      .split("/")
      .map((segment) => (segment === "**" ? ".*" : segment.replace(/[.+^${}()|[\]\\?]/g, "\\$&").replace(/\*/g, "[^/]*")))
      .join("/");
    pattern = new RegExp(`(?:^|/)${body}$`, "i");
    globCache.set(glob, pattern);
  }
  return pattern.test(file);
}

function list(files: readonly string[]): string {
  const unique = [...new Set(files)];
  return unique.length > 3 ? `${unique.slice(0, 3).join(", ")} and ${unique.length - 3} more` : unique.join(", ");
}
