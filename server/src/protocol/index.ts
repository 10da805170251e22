// The wire protocol, imported by the client, the server and the CLI. A leaf: it imports nothing
// from the server (architecture.test.ts checks it).
export * from "./rpc";
export * from "./server";
export * from "./settings";
export * from "./models";
export * from "./completion";
export * from "./ocr";
export * from "./chat";
export * from "./actions";
export * from "./tasks";
export * from "./agent";
export * from "./voice";
export * from "./remote";
export * from "./codebase";
export * from "./mcp";
export * from "./report";
export * from "./next-edit";
