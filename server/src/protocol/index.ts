export * from "./methods";
export * from "./settings";
export * from "./ocr";
export * from "./chat";
export * from "./actions";
export * from "./tasks";
export * from "./agent";
export * from "./voice";
