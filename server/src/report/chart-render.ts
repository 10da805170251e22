// Vega-Lite spec → Vega → SVG (vega's headless renderer, no browser) → PNG (sharp). The spec comes from the
// model, so its loader refuses every URL and file: data must be inline ("values"), and an image mark or a
// data "url" cannot make the server read /etc/passwd or reach the network.
import type * as Vega from "vega";
import type { TopLevelSpec } from "vega-lite";

export class ChartError extends Error {
  override name = "ChartError";
}

/** Larger outputs are refused: a spec could ask for a 100,000-pixel-wide chart. */
const MAX_PIXELS = 16_000_000;

/** Vega reports a failed load only in its log and renders on; `refused` keeps them so the render fails. */
function refusingLoader(vega: typeof Vega, refused: string[]): Vega.Loader {
  const refuse = (uri: unknown) => {
    refused.push(JSON.stringify(uri));
    return Promise.reject(new ChartError(`the chart may not load ${JSON.stringify(uri)}`));
  };
  const base = vega.loader();
  return Object.assign(base, { load: refuse, sanitize: refuse, http: refuse, file: refuse });
}

export interface RenderedChart {
  svg: string;
  png: Buffer;
  width: number;
  height: number;
}

export async function renderChart(specText: string, options: { signal: AbortSignal; scale?: number }): Promise<RenderedChart> {
  // Loaded on first use (about 50 MB resident together): the server and every CLI command start without them.
  const [{ default: sharp }, vega, { compile }] = await Promise.all([import("sharp"), import("vega"), import("vega-lite")]);
  let spec: TopLevelSpec;
  try {
    spec = JSON.parse(specText) as TopLevelSpec;
  } catch (error) {
    throw new ChartError(`the spec is not JSON: ${(error as Error).message}`);
  }
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw new ChartError("the spec must be a Vega-Lite JSON object");
  let vegaSpec: Vega.Spec;
  try {
    vegaSpec = compile(spec).spec;
  } catch (error) {
    throw new ChartError(`Vega-Lite: ${(error as Error).message}`);
  }
  options.signal.throwIfAborted();
  const refused: string[] = [];
  const view = new vega.View(vega.parse(vegaSpec), { renderer: "none", loader: refusingLoader(vega, refused), logLevel: vega.None });
  try {
    let svg: string;
    try {
      svg = await view.toSVG(options.scale ?? 1);
    } catch (error) {
      throw error instanceof ChartError ? error : new ChartError(`Vega: ${(error as Error).message}`);
    }
    if (refused.length > 0) throw new ChartError(`the chart may not load files or URLs (${refused.join(", ")}): give the data inline as "values"`);
    options.signal.throwIfAborted();
    const meta = await sharp(Buffer.from(svg)).metadata();
    const scale = options.scale ?? 2;
    if ((meta.width ?? 0) * (meta.height ?? 0) * scale * scale > MAX_PIXELS) throw new ChartError(`the chart is too large (${meta.width}×${meta.height})`);
    const png = await sharp(Buffer.from(svg), { density: 72 * scale }).flatten({ background: "#ffffff" }).png().toBuffer();
    const info = await sharp(png).metadata();
    return { svg, png, width: info.width ?? 0, height: info.height ?? 0 };
  } finally {
    view.finalize();
  }
}
