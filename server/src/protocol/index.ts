export * from "./methods";
export * from "./settings";
export * from "./ocr";
export * from "./chat";
export * from "./agent";
