// Small DOM helpers for the chat webview (no framework: a few elements, built with textContent so
// nothing from a message is parsed as HTML except the sanitized Markdown).
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

export function icon(name: string): HTMLElement {
  return el("span", { class: `codicon codicon-${name}`, "aria-hidden": "true" });
}
