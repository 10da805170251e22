// POST /v1/embeddings: vectors from the embedding model `pincer serve --http --embedding-model M`
// loaded (the codebase index's kind of model: a small GGUF with an embedding context). Vectors are
// unit length, as OpenAI's are; `encoding_format: "base64"` is little-endian float32, as the
// openai client decodes it.
import { ApiError } from "./api-error";

/** What the route needs from a loaded embedding model. */
export interface ApiEmbedder {
  name: string;
  tokenCount(text: string): number;
  embed(text: string, signal: AbortSignal): Promise<Float32Array>;
}

const MAX_INPUTS = 256;

export async function embeddings(body: Record<string, unknown>, embedder: ApiEmbedder | undefined, signal: AbortSignal): Promise<unknown> {
  if (!embedder) throw new ApiError(400, "No embedding model is loaded: start the server with --embedding-model M (a GGUF embedding model, e.g. nomic-embed-text).", "invalid_request_error", "embeddings_unavailable");
  const input = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS || input.some((text) => typeof text !== "string")) {
    throw new ApiError(400, `input must be a string or an array of 1 to ${MAX_INPUTS} strings (token arrays are not accepted).`);
  }
  if (body.dimensions !== undefined) throw new ApiError(400, "dimensions is not supported: this model's vectors have one size.");
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") throw new ApiError(400, 'encoding_format must be "float" or "base64".');
  const data: { object: "embedding"; index: number; embedding: number[] | string }[] = [];
  let tokens = 0;
  for (const [index, text] of (input as string[]).entries()) {
    const vector = await embedder.embed(text, signal);
    tokens += embedder.tokenCount(text);
    data.push({ object: "embedding", index, embedding: format === "base64" ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64") : Array.from(vector) });
  }
  return { object: "list", data, model: embedder.name, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
