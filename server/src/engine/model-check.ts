// Checks a model file before llama.cpp sees it, so that a bad file gets a message naming the file
// and the reason instead of a native error (or a crash), and the server stays up.
import { PincerError } from "../platform/errors";
import { promises as fs } from "node:fs";
import path from "node:path";
import { backendForInspection } from "./backend";
import { GgufFileType, GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama } from "node-llama-cpp";
import { checkGgufHeader, GgufHeaderProblem } from "./gguf-header";

export type ModelProblem =
  | "not-found"
  | "not-a-file"
  | "not-gguf"
  | "truncated"
  | "damaged"
  | "unsupported-version"
  | "unsupported-architecture"
  | "too-big"
  | "unreadable";

export class ModelFileError extends PincerError {
  override name = "ModelFileError";
  constructor(
    readonly filePath: string,
    readonly problem: ModelProblem,
    reason: string,
  ) {
    super(`${path.basename(filePath)}: ${reason} (${filePath})`, "failed");
  }
}

export interface ModelFacts {
  path: string;
  name: string;
  /** general.name and general.basename from the GGUF header, when present (a next-edit model is recognised by them). */
  metadataName?: string;
  metadataBasename?: string;
  sizeBytes: number;
  architecture: string;
  parameters?: string;
  quantization?: string;
  trainContextSize?: number;
  layers: number;
  hasChatTemplate: boolean;
  hasInfillTokens: boolean;
  /** Estimated bytes the weights need in memory on the chosen backend with all layers there. */
  estimatedModelBytes: number;
}

const GGUF_MAGIC = "GGUF";

/**
 * Reads and validates a model file's header; throws ModelFileError with the reason. Every count and
 * length in the header is checked against the file's size first (gguf-header.ts), so a damaged
 * file fails in milliseconds instead of making the parser allocate for what it claims.
 */
export async function inspectModelFile(filePath: string, llama: Llama | undefined, signal: AbortSignal): Promise<{ facts: ModelFacts; info: GgufFileInfo }> {
  const stat = await fs.stat(filePath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new ModelFileError(filePath, "not-found", "the file does not exist");
    throw new ModelFileError(filePath, "unreadable", `cannot read the file (${error.code ?? error.message})`);
  });
  if (!stat.isFile()) throw new ModelFileError(filePath, "not-a-file", "this is not a file");

  await checkHeader(filePath, stat.size, signal);
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(filePath, { readTensorInfo: true, ignoreKeys: [], sourceType: "filesystem", logWarnings: false, signal });
  } catch (error) {
    signal.throwIfAborted();
    throw new ModelFileError(filePath, "damaged", `the GGUF header cannot be parsed; the file is damaged (${errorText(error)})`);
  }

  if (typeof info.metadata?.general?.architecture !== "string") {
    throw new ModelFileError(filePath, "damaged", "the header names no model architecture (general.architecture is missing); this is not a complete GGUF model");
  }
  let insights: GgufInsights;
  try {
    insights = await GgufInsights.from(info, llama ?? (await backendForInspection()));
  } catch (error) {
    throw new ModelFileError(filePath, "damaged", `the header does not describe a model llama.cpp can use (${errorText(error)})`);
  }
  const expectedBytes = expectedFileSize(info, insights.modelSize);
  if (expectedBytes !== undefined && stat.size < expectedBytes) {
    throw new ModelFileError(
      filePath,
      "truncated",
      `the file is truncated: ${formatBytes(stat.size)} on disk but its tensors need ${formatBytes(expectedBytes)}; download it again`,
    );
  }

  const architecture = String(info.metadata.general?.architecture ?? "unknown");
  const metadata = info.metadata as unknown as { tokenizer?: { ggml?: Record<string, unknown>; chat_template?: unknown } };
  const ggml = metadata.tokenizer?.ggml ?? {};
  const facts: ModelFacts = {
    path: filePath,
    name: modelDisplayName(filePath),
    ...(stringOrUndefined(info.metadata.general?.name) ? { metadataName: stringOrUndefined(info.metadata.general?.name) } : {}),
    ...(stringOrUndefined(info.metadata.general?.basename) ? { metadataBasename: stringOrUndefined(info.metadata.general?.basename) } : {}),
    sizeBytes: stat.size,
    architecture,
    parameters: stringOrUndefined(info.metadata.general?.size_label),
    quantization: quantizationName(info.metadata.general?.file_type),
    trainContextSize: insights.trainContextSize,
    layers: insights.totalLayers,
    hasChatTemplate: typeof metadata.tokenizer?.chat_template === "string",
    hasInfillTokens: ["prefix_token_id", "fim_pre_token_id"].some((key) => ggml[key] !== undefined),
    estimatedModelBytes: insights.modelSize,
  };
  return { facts, info };
}

export function modelDisplayName(filePath: string): string {
  return path.basename(filePath).replace(/\.gguf$/i, "");
}

/** Turns llama.cpp's load failure into a clear reason, using what we know about the file. */
export function explainLoadFailure(filePath: string, facts: ModelFacts | undefined, error: unknown): ModelFileError {
  const text = errorText(error);
  if (/not enough|insufficient|out of memory|vram|failed to allocate/i.test(text)) {
    return new ModelFileError(filePath, "too-big", `the model does not fit in the available memory (${text}); choose a smaller quantization or model`);
  }
  if (facts && /unknown model architecture|unsupported|failed to load model/i.test(text)) {
    return new ModelFileError(
      filePath,
      "unsupported-architecture",
      `llama.cpp in this Pincer build cannot load architecture "${facts.architecture}" (${text})`,
    );
  }
  return new ModelFileError(filePath, "unreadable", `the model could not be loaded (${text})`);
}

/**
 * A model whose weights exceed the memory of the machine (RAM, plus VRAM when a GPU takes layers)
 * cannot load; say so before llama.cpp tries and the OS starts swapping or kills the process.
 */
export function checkFitsInMemory(facts: ModelFacts, memory: { ramBytes: number; vramBytes: number }): void {
  const available = memory.ramBytes + memory.vramBytes;
  if (facts.estimatedModelBytes > available) {
    throw new ModelFileError(
      facts.path,
      "too-big",
      `the model needs about ${formatBytes(facts.estimatedModelBytes)} of memory but this machine has ${formatBytes(available)}` +
        `${memory.vramBytes > 0 ? " (RAM and GPU memory together)" : ""}; choose a smaller model or quantization`,
    );
  }
}

async function checkHeader(filePath: string, fileSize: number, signal: AbortSignal): Promise<void> {
  const handle = await fs.open(filePath, "r");
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    if (bytesRead < 4 || buffer.toString("latin1") !== GGUF_MAGIC) {
      throw new ModelFileError(filePath, "not-gguf", "this is not a GGUF model file (it does not start with the GGUF signature)");
    }
    await checkGgufHeader(handle, fileSize, signal);
  } catch (error) {
    if (error instanceof GgufHeaderProblem) throw new ModelFileError(filePath, error.kind, error.message);
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * A lower bound for the file size: where tensor data starts plus the bytes the tensors occupy
 * (node-llama-cpp's own size computation). Undefined when the header has no tensor table.
 */
function expectedFileSize(info: GgufFileInfo, tensorBytes: number): number | undefined {
  const first = info.tensorInfo?.[0];
  if (info.splicedParts > 1 || first === undefined) return undefined;
  const dataStart = Number(BigInt(first.fileOffset) - BigInt(first.offset));
  return dataStart + tensorBytes;
}

/** A GGUF `general.file_type` as llama.cpp's quantize tool names it (15 → "Q4_K_M"), from node-llama-cpp's enum. */
export function quantizationName(fileType: number | undefined): string | undefined {
  if (fileType === undefined) return undefined;
  const name = GgufFileType[fileType] as string | undefined;
  return name === undefined ? `file type ${fileType}` : name.replace(/^(MOSTLY|ALL)_/, "");
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
