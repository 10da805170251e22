// Embedding models are trained with task prefixes; using the wrong ones (or none) costs recall.
// The prefixes by model family, and the Embedder the index uses on top of engine/embedding.ts.
import type { EmbeddingModel } from "../engine/embedding";
import type { Embedder } from "./types";

interface Prompts {
  query: string;
  document: string;
}

const FAMILIES: readonly { match: RegExp; prompts: Prompts }[] = [
  { match: /nomic[-_ ]?embed/i, prompts: { query: "search_query: ", document: "search_document: " } },
  { match: /embedding[-_ ]?gemma/i, prompts: { query: "task: code retrieval | query: ", document: "title: none | text: " } },
  { match: /qwen3[-_ ]?embedding|jina[-_ ]?code/i, prompts: { query: "Instruct: Given a question, retrieve the code that answers it\nQuery: ", document: "" } },
];

export function promptsFor(modelName: string): Prompts {
  return FAMILIES.find((family) => family.match.test(modelName))?.prompts ?? { query: "", document: "" };
}

/** The index's Embedder: documents at background priority, queries at once (see EmbeddingModel.embed). */
export function embedderFor(model: EmbeddingModel, fileName: string): Embedder {
  const prompts = promptsFor(`${model.facts.name} ${fileName}`);
  return {
    key: model.key,
    name: model.facts.name,
    dimensions: model.dimensions,
    embedDocument: (text, signal) => model.embed(prompts.document + text, { signal, priority: "background" }),
    embedQuery: (text, signal) => model.embed(prompts.query + text, { signal, priority: "now" }),
  };
}
