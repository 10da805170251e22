export * from "./methods";
export * from "./settings";
export * from "./chat";
