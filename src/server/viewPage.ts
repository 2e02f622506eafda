import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";

/**
 * Where the page's sources live: src/server/view/ when run from source, dist/view/ in the
 * package (tsup.config.ts copies the folder next to the bundles, which sit in dist/).
 */
const VIEW_DIR = new URL("./view/", import.meta.url);

/** The live run page as one response, with the Content-Security-Policy that lets only its own inline code run. */
export interface RunPage {
  readonly html: string;
  readonly csp: string;
}

let cached: RunPage | undefined;

/**
 * Builds the page of `GET /runs/<id>/view` from view/page.html, page.css and page.js: one HTML
 * document with the style and script inline, so it needs nothing but the server (no CDN: it
 * works offline). The same for every run: the script finds its run in its own URL. Read once.
 */
export function runPage(): RunPage {
  if (cached) return cached;
  const read = (name: string) => readFileSync(new URL(name, VIEW_DIR), "utf8");
  const css = read("page.css");
  const js = read("page.js");
  // Replaced by function so `$&`-like sequences in the sources stay as written.
  const html = read("page.html")
    .replace("/*PAGE_CSS*/", () => css)
    .replace("/*PAGE_JS*/", () => js);
  const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
  // Only this script and style run, and the page talks to its own server only (its run and events).
  const csp = `default-src 'none'; script-src ${hash(js)}; style-src ${hash(css)}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  cached = { html, csp };
  return cached;
}

/** Sends the live run page. `no-referrer`: a page opened with an access token never leaks it to a link. */
export function sendRunPage(res: ServerResponse): void {
  const { html, csp } = runPage();
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
    "content-security-policy": csp,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  });
  res.end(html);
}
