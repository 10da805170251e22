// The chat webview's Content-Security-Policy: nothing by default; styles, fonts and images from the
// extension's dist/media; scripts only with this page's nonce. Images may also be data: URLs, which is how
// an agent's chart is shown (its PNG from the tool result): no other directive allows data:, and nothing
// remote is allowed at all, so a message cannot make the webview fetch a URL.
export function chatCsp(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource} data:`, `script-src 'nonce-${nonce}'`].join("; ");
}
