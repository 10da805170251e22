// The chat webview's renderers build DOM nodes through the global `document`; in Node that is happy-dom's.
// One copy of the set-up and tear-down, so every webview suite renders into the same kind of real DOM.
import { Window } from "happy-dom";

/** In the calling describe: a happy-dom `document` as the global one before its tests, removed after them. */
export function useHappyDomDocument(): void {
  let window: Window;
  before(() => {
    window = new Window();
    (globalThis as { document?: unknown }).document = window.document;
  });
  after(async () => {
    delete (globalThis as { document?: unknown }).document;
    await window.happyDOM.close();
  });
}
