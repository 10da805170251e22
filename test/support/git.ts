// Whether a git binary is on the PATH (tests that drive git skip, saying so, when it is not).
import { execFileSync } from "node:child_process";

export function hasGit(): boolean {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
