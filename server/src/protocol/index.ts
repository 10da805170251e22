export * from "./methods";
export * from "./settings";
export * from "./actions";
export * from "./tasks";
