// Labelled queries for bench/index.ts over node_modules/node-llama-cpp + node_modules/apache-arrow.
// Each query is phrased as a person would ask (mostly words, not the identifiers), with the files
// that answer it: a hit is any result whose path matches one of `expect` (the .js, .d.ts and .ts
// copies of one module all count).
export interface LabelledQuery {
  query: string;
  expect: RegExp[];
}

export const QUERIES: readonly LabelledQuery[] = [
  { query: "compute an embedding vector for a text", expect: [/LlamaEmbeddingContext\./, /LlamaEmbedding\./] },
  { query: "rank documents by relevance to a query", expect: [/LlamaRankingContext\./] },
  { query: "count input and output tokens used", expect: [/TokenMeter\./] },
  { query: "shrink the chat history so it fits the context size", expect: [/compressHistoryToFitContextSize\./, /findCharacterRemovalCountToFitChatHistoryInContext\./] },
  { query: "parse version 3 of the gguf file format", expect: [/GgufV3Parser\./] },
  { query: "read gguf metadata over the network from a url", expect: [/GgufNetworkFetchFileReader\./] },
  { query: "how many model layers fit on the gpu", expect: [/resolveModelGpuLayersOption\./, /GgufInsightsConfigurationResolver\./] },
  { query: "turn a json schema into a grammar", expect: [/getGbnfGrammarForGbnfJsonSchema\./, /LlamaJsonSchemaGrammar\./, /GbnfGrammarGenerator\./] },
  { query: "detect the glibc version on linux", expect: [/detectGlibc\./] },
  { query: "pick a chat wrapper for a model from its template", expect: [/resolveChatWrapper\./] },
  { query: "stop generating when a stop text shows up", expect: [/StopGenerationDetector\./] },
  { query: "least recently used cache", expect: [/LruCache\./] },
  { query: "speculative decoding with a draft sequence", expect: [/DraftSequenceTokenPredictor\./] },
  { query: "wait for a lock file to be released", expect: [/waitForLockfileRelease\./, /withLockfile\./] },
  { query: "chatml prompt format", expect: [/ChatMLChatWrapper\./] },
  { query: "names of quantization types", expect: [/ggufQuantNames\./, /getGgufFileTypeName\./] },
  { query: "bias the probability of specific tokens", expect: [/TokenBias\./] },
  { query: "clone the llama.cpp repository", expect: [/cloneLlamaCppRepo\./] },
  { query: "which gpu backends are available cuda vulkan metal", expect: [/detectAvailableComputeLayers\./, /getGpuTypesToUseForOption\./, /getLlamaGpuTypes\./] },
  { query: "download a model file with progress", expect: [/createModelDownloader\./] },
  { query: "gemma chat prompt format", expect: [/GemmaChatWrapper\./, /Gemma4ChatWrapper\./] },
  { query: "sampling options temperature top k top p", expect: [/LlamaSampler\./, /LlamaCompletion\./, /LlamaChat\./] },
  { query: "write record batches to an ipc stream", expect: [/ipc\/writer\./] },
  { query: "read an arrow file or stream", expect: [/ipc\/reader\./] },
  { query: "dictionary encoded column builder", expect: [/builder\/dictionary\./] },
  { query: "string column builder", expect: [/builder\/utf8\./, /builder\/largeutf8\./] },
  { query: "compare two data types for equality", expect: [/visitor\/typecomparator\./] },
  { query: "validity bitmap bit operations", expect: [/util\/bit\./] },
  { query: "64 bit big integers", expect: [/util\/bn\./, /util\/bigint\./] },
  { query: "pretty print values", expect: [/util\/pretty\./] },
  { query: "schema fields and metadata", expect: [/\/schema\./] },
  { query: "table made of record batches", expect: [/\/table\./, /\/recordbatch\./] },
  { query: "decimal values builder", expect: [/builder\/decimal\./] },
  { query: "iterate over the values of a vector", expect: [/visitor\/iterator\./, /\/vector\./] },
  { query: "flatbuffers message header", expect: [/ipc\/metadata\/message\./, /fb\/message\./, /ipc\/message\./] },
];
