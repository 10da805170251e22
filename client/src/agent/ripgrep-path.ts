// ripgrep ships with VS Code; the agent's search_text uses it when the path exists (a JS search otherwise).
import { existsSync } from "node:fs";
import path from "node:path";
import * as vscode from "vscode";

export function vscodeRipgrepPath(): string | undefined {
  const binary = process.platform === "win32" ? "rg.exe" : "rg";
  const candidates = ["node_modules", "node_modules.asar.unpacked"].map((modules) => path.join(vscode.env.appRoot, modules, "@vscode", "ripgrep", "bin", binary));
  return candidates.find((candidate) => existsSync(candidate));
}
