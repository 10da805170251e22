// Tests of the bundled server or the `pincer` bin need `npm run build` first; without dist/ (or in
// the fast tier, PINCER_TEST_NO_BUILD=1) they skip and say why.
import { existsSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./test-model";

export const SERVER_MAIN = path.join(repoRoot, "dist", "server", "main.mjs");
export const PINCER_BIN = path.join(repoRoot, "bin", "pincer.js");

/** Call in a suite's `before`: skips the suite when the build is missing or not wanted. */
export function requireBuild(context: Mocha.Context): void {
  if (process.env.PINCER_TEST_NO_BUILD === "1" || !existsSync(SERVER_MAIN)) {
    console.warn(`    skipped: needs the build (${path.relative(repoRoot, SERVER_MAIN)}); run npm run build${process.env.PINCER_TEST_NO_BUILD === "1" ? " and a tier other than test:fast" : ""}`);
    context.skip();
  }
}
