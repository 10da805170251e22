// npm leaves optional per-platform binary packages (node-llama-cpp's, @napi-rs/canvas's, …) out of
// package-lock.json when the registry it installs from does not serve them, and then `npm ci`
// refuses the lock as out of sync. This adds the missing entries with the os/cpu/libc their names
// encode, so `npm ci` skips them on other platforms and a machine of that platform fetches them
// from the public registry.
// Run after any `npm install` that rewrites the lock: node scripts/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs";

const OS = { linux: "linux", darwin: "darwin", mac: "darwin", win32: "win32", win: "win32", android: "android", freebsd: "freebsd" };
const CPU = { x64: "x64", arm64: "arm64", armv7l: "arm", arm: "arm", riscv64: "riscv64", ia32: "ia32", ppc64: "ppc64", s390x: "s390x" };

/** Reads os, cpu and libc from a binary package name such as `canvas-linux-arm64-musl` or `mac-arm64-metal`. */
export function platformOf(packageName) {
  const parts = packageName.split("/").pop().split("-");
  const os = parts.map((p) => OS[p]).find(Boolean);
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  if (!os || !cpu) return undefined;
  const libc = parts.includes("musl") ? "musl" : os === "linux" && parts.includes("gnu") ? "glibc" : undefined;
  return { os, cpu, libc };
}

/** Whether Node's lookup from `parentKey` finds `name` at `version` (own node_modules first, then each ancestor's). */
function resolves(parentKey, name, version) {
  for (let dir = parentKey; ; ) {
    const found = lock.packages[`${dir ? `${dir}/` : ""}node_modules/${name}`];
    // Platform packages are pinned exactly; a range (ordinary optional deps) is npm's own business.
    if (found) return !/^\d+\.\d+\.\d+$/.test(version) || found.version === version;
    if (!dir) return false;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
let added = 0;
for (const [parentKey, parent] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(parent.optionalDependencies ?? {})) {
    if (resolves(parentKey, name, version)) continue;
    // npm would install it beside the parent: in the parent's own node_modules folder's level.
    const key = `${parentKey.slice(0, parentKey.lastIndexOf("node_modules/"))}node_modules/${name}`;
    if (lock.packages[key]) throw new Error(`${key} is locked at ${lock.packages[key].version} but ${parentKey} wants ${version}: pin them together`);
    const platform = platformOf(name);
    if (!platform) throw new Error(`${name} (optional dependency of ${parentKey || "the root"}) is missing from the lock and its name names no os/cpu: add it by hand`);
    const short = name.split("/").pop();
    lock.packages[key] = {
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${short}-${version}.tgz`,
      cpu: [platform.cpu],
      ...(platform.libc ? { libc: [platform.libc] } : {}),
      optional: true,
      os: [platform.os],
    };
    added++;
  }
}
const sorted = {};
for (const key of Object.keys(lock.packages).sort((a, b) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)))) sorted[key] = lock.packages[key];
lock.packages = sorted;
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(added === 0 ? "package-lock.json already lists every platform binary package" : `added ${added} platform package(s) to package-lock.json`);
