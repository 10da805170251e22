// The bench corpus, generated here with known ground truth: English lines in several fonts and
// sizes (300 dpi equivalent: 10-12 pt text is 42-50 px), a few degrees of rotation, noise,
// Chinese lines when a CJK font is installed, and tables of 3-8 columns.
import { execFileSync } from "node:child_process";
import { renderLines, renderTable } from "../../test/support/ocr-images";

export interface Sample {
  group: string;
  image: Buffer;
  text: string;
  languages: string[];
  table?: string[][];
}

const ENGLISH = [
  "The quarterly report shows revenue of 4.2 million dollars.",
  "Please sign both copies of the contract before June 30.",
  "Error: cannot open file config.json (permission denied)",
  "Invoice 2026-0417 is due within thirty days of receipt.",
  "Our office moved to 1250 Market Street, Suite 400.",
  "The build failed after 37 tests passed and 2 were skipped.",
  "Temperature readings were taken every 15 minutes overnight.",
  "Shipping weight: 12.5 kg; dimensions 40 x 30 x 25 cm.",
  "All employees must complete the safety training by Friday.",
  "Customer reference number A-93817 was updated yesterday.",
  "The meeting is moved from Tuesday to Thursday at 10:30.",
  "Net income increased by 8% compared with the prior year.",
];

const CHINESE = ["本季度的销售收入为四百二十万元。", "请在六月三十日之前签署合同。", "会议改到星期四上午十点半举行。", "所有员工必须在周五前完成安全培训。"];
/** Chinese with Latin words in it, typeset with a space on each side of the Latin run. */
const MIXED = ["使用 Node.js 运行本地模型。", "模型文件是 GGUF 格式，大小为 4 GB。", "数据始终保存在本机上。"];

const FONTS = ["DejaVu Sans", "DejaVu Serif", "Liberation Sans", "Liberation Serif", "Liberation Mono"];
const WORDS = ["North", "South", "Apples", "Pears", "Total", "Region", "Alpha", "Beta", "Delta", "Q1", "Q2", "Status", "Open", "Closed", "Paris", "Tokyo", "Lima"];

function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

export function cjkFont(): string | undefined {
  try {
    const line = execFileSync("fc-list", [":lang=zh", "family"], { encoding: "utf8" }).split("\n").find((l) => l.trim());
    return line?.split(",")[0]?.trim();
  } catch {
    return undefined;
  }
}

export function englishSamples(): Sample[] {
  const samples: Sample[] = [];
  let index = 0;
  for (const font of FONTS) {
    for (const size of [42, 50]) {
      for (const variant of ["clean", "rotated", "noisy"] as const) {
        const lines = [0, 1, 2, 3].map((k) => ENGLISH[(index + k * 3) % ENGLISH.length]!);
        index++;
        const image = renderLines(lines, {
          size,
          font: `${size}px '${font}'`,
          rotate: variant === "rotated" ? (index % 2 ? 2 : -2) : undefined,
          noise: variant === "noisy" ? 0.02 : undefined,
          seed: index,
        });
        samples.push({ group: `English, ${variant}`, image, text: lines.join("\n"), languages: ["eng"] });
      }
    }
  }
  return samples;
}

export function chineseSamples(font: string): Sample[] {
  return [42, 50].flatMap((size) =>
    [0, 1].map((shift) => {
      const lines = CHINESE.map((_, k) => CHINESE[(k + shift) % CHINESE.length]!);
      return { group: "Chinese, clean", image: renderLines(lines, { size, font: `${size}px '${font}'`, width: size * 20 }), text: lines.join("\n"), languages: ["chi_sim"] };
    }),
  );
}

export function mixedSamples(font: string): Sample[] {
  return [42, 50].map((size) => ({
    group: "Chinese and Latin, clean",
    image: renderLines(MIXED, { size, font: `${size}px '${font}'`, width: size * 20 }),
    text: MIXED.join("\n"),
    languages: ["chi_sim", "eng"],
  }));
}

export function tableSamples(): Sample[] {
  const random = seeded(7);
  const samples: Sample[] = [];
  for (let columns = 3; columns <= 8; columns++) {
    for (const font of ["DejaVu Sans", "Liberation Serif"]) {
      const header = Array.from({ length: columns }, (_, c) => (c === 0 ? "Name" : `Col ${c}`));
      const rows = [header];
      for (let r = 0; r < 5; r++) {
        rows.push(Array.from({ length: columns }, (_, c) => (c === 0 ? WORDS[Math.floor(random() * WORDS.length)]! : c % 2 ? String(Math.floor(random() * 9000) + 10) : `${(random() * 100).toFixed(2)}`)));
      }
      const image = renderTable(rows, { size: 42, font: `42px '${font}'` });
      samples.push({ group: `Tables, ${columns} columns`, image, text: rows.map((r) => r.join(" ")).join("\n"), languages: ["eng"], table: rows });
    }
  }
  return samples;
}
