// Tesseract language data from the @tesseract.js-data/<code> npm packages on disk: nothing is
// fetched at run time. Each package holds 4.0.0 (legacy + LSTM) and 4.0.0_best_int (LSTM only,
// smaller, what the LSTM engine loads); the .vsix ships only best_int.
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { OcrInputError } from "./types";

const require = createRequire(import.meta.url);
const FLAVOUR = "4.0.0_best_int";

export const DEFAULT_LANGUAGES = ["eng"];

/** The folder holding `<code>.traineddata.gz` for one language, or undefined when not installed. */
export function languageDataDir(code: string): string | undefined {
  if (!/^[a-z_]{3,16}$/.test(code)) return undefined;
  let packageJson: string;
  try {
    packageJson = require.resolve(`@tesseract.js-data/${code}/package.json`);
  } catch {
    return undefined;
  }
  const dir = path.join(path.dirname(packageJson), FLAVOUR);
  return existsSync(path.join(dir, `${code}.traineddata.gz`)) ? dir : undefined;
}

/** Language codes whose data is installed next to the eng package. */
export function installedLanguages(): string[] {
  const eng = languageDataDir("eng");
  if (!eng) return [];
  const scope = path.dirname(path.dirname(eng));
  return readdirSync(scope)
    .filter((code) => languageDataDir(code) !== undefined)
    .sort();
}

/** Parses "eng+chi_sim" (or a list) and checks each language is installed. */
export function parseLanguages(spec: string | string[] | undefined): string[] {
  const codes = (Array.isArray(spec) ? spec : (spec ?? "").split("+")).map((c) => c.trim()).filter(Boolean);
  if (codes.length === 0) return [...DEFAULT_LANGUAGES];
  const unique = [...new Set(codes)];
  const missing = unique.filter((code) => languageDataDir(code) === undefined);
  if (missing.length > 0) {
    throw new OcrInputError(
      `OCR language data not installed: ${missing.join(", ")}. Installed: ${installedLanguages().join(", ") || "none"}. ` +
        `Add more with the @tesseract.js-data/<code> npm packages.`,
    );
  }
  return unique;
}
