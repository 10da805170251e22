// npm leaves node-llama-cpp's optional binary packages for other platforms out of package-lock.json
// when the registry it installs from does not serve them, and then `npm ci` refuses the lock as out
// of sync. This adds the missing entries with their os/cpu, so `npm ci` skips them on other
// platforms and a machine of that platform fetches them from the public registry.
// Run after any `npm install` that rewrites the lock: node scripts/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs";

const PLATFORMS = {
  "linux-arm64": ["linux", "arm64"],
  "linux-armv7l": ["linux", "arm"],
  "linux-riscv64": ["linux", "riscv64"],
  "linux-x64": ["linux", "x64"],
  "linux-x64-cuda": ["linux", "x64"],
  "linux-x64-cuda-ext": ["linux", "x64"],
  "linux-x64-vulkan": ["linux", "x64"],
  "mac-arm64-metal": ["darwin", "arm64"],
  "mac-x64": ["darwin", "x64"],
  "win-arm64": ["win32", "arm64"],
  "win-x64": ["win32", "x64"],
  "win-x64-cuda": ["win32", "x64"],
  "win-x64-cuda-ext": ["win32", "x64"],
  "win-x64-vulkan": ["win32", "x64"],
};

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const optional = lock.packages["node_modules/node-llama-cpp"]?.optionalDependencies ?? {};
let added = 0;
for (const [name, version] of Object.entries(optional)) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const short = name.split("/")[1];
  const platform = PLATFORMS[short];
  if (!platform) throw new Error(`unknown node-llama-cpp binary package ${name}: add its os/cpu to PLATFORMS`);
  lock.packages[key] = {
    version,
    resolved: `https://registry.npmjs.org/${name}/-/${short}-${version}.tgz`,
    cpu: [platform[1]],
    license: "MIT",
    optional: true,
    os: [platform[0]],
    engines: { node: ">=20.0.0" },
  };
  added++;
}
const sorted = {};
for (const key of Object.keys(lock.packages).sort((a, b) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)))) sorted[key] = lock.packages[key];
lock.packages = sorted;
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(added === 0 ? "package-lock.json already lists every node-llama-cpp platform package" : `added ${added} platform package(s) to package-lock.json`);
