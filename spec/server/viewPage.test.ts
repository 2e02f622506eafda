import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlokServer, startServer } from "../../src/server/index.js";
import { FIXTURES } from "./support.js";

process.env.CONSOLE_LOG_ACTIVE = "false";
let server: BlokServer;

beforeAll(async () => {
  server = await startServer({ workflowsDir: `${FIXTURES}view`, nodesDir: `${FIXTURES}nodes`, port: 0 });
});
afterAll(() => server.close());

const runOnce = async (): Promise<string> => {
  const res = await fetch(`${server.url}/batches`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"items":[{"ms":1}]}' });
  expect(res.status).toBe(200);
  return res.headers.get("x-run-id")!;
};

describe("GET /runs/<id>/view (the page itself; spec/server/view.browser.test.ts runs it in chromium)", () => {
  it("is one self-contained HTML document: inline style and module script, nothing fetched from elsewhere", async () => {
    const res = await fetch(`${server.url}/runs/${await runOnce()}/view`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await res.text();
    expect(html).not.toMatch(/\/\*PAGE_(CSS|JS)\*\//);
    expect(html).not.toMatch(/<script[^>]*\bsrc=|<link[^>]*rel="stylesheet"|https?:\/\//);
    expect(html).toContain('<script type="module">');
  });

  it("lets only its own inline script and style run (CSP hashes of exactly those), and talk to this server only", async () => {
    const res = await fetch(`${server.url}/runs/${await runOnce()}/view`);
    const html = await res.text();
    const csp = res.headers.get("content-security-policy")!;
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    const script = /<script type="module">([\s\S]*)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`script-src ${hash(script)};`);
    expect(csp).toContain(`style-src ${hash(style)};`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
  });

  it("answers 404 for an unknown run and 405 for another method", async () => {
    expect((await fetch(`${server.url}/runs/nope/view`)).status).toBe(404);
    expect((await fetch(`${server.url}/runs/${await runOnce()}/view`, { method: "POST" })).status).toBe(405);
  });
});
