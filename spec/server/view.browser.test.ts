import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlokServer, startServer } from "../../src/server/index.js";
import { FIXTURES } from "./support.js";

// The live run page in a real browser: Debian's chromium, driven by playwright-core (no browser
// download). In CI (CI=true) a missing chromium fails the suite: scripts/install-system-deps.sh
// installs it. Elsewhere the suite is skipped without it.
process.env.CONSOLE_LOG_ACTIVE = "false";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const inCi = process.env.CI === "true" || process.env.CI === "1";
/** With UPDATE_SCREENSHOT=1 the screenshot replaces the one in the docs; otherwise it goes to a temp dir. */
const DOCS_SCREENSHOT = fileURLToPath(new URL("../../docs/images/run-view.png", import.meta.url));
const TOKEN = "s3cret";
const auth = { authorization: `Bearer ${TOKEN}` };

describe.runIf(!present && inCi)("the live run page in CI", () => {
  it("needs chromium", () => {
    expect.fail(`chromium not found at ${CHROMIUM}: run scripts/install-system-deps.sh (Debian package "chromium"), or set CHROMIUM_PATH`);
  });
});

describe.runIf(present)("the live run page (GET /runs/<id>/view) in chromium", () => {
  let server: BlokServer;
  let browser: Browser;
  let shots: string;

  beforeAll(async () => {
    server = await startServer({ workflowsDir: `${FIXTURES}view`, nodesDir: `${FIXTURES}nodes`, port: 0, token: TOKEN });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
    });
    shots = await mkdtemp(join(tmpdir(), "run-view-"));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (shots) await rm(shots, { recursive: true, force: true });
  });

  /** Starts a run without waiting; its id and its page's URL (with a fresh access token). */
  const startBatches = async (body: unknown): Promise<{ id: string; viewUrl: string }> => {
    const res = await fetch(`${server.url}/batches`, { method: "POST", headers: { ...auth, "content-type": "application/json", prefer: "respond-async" }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    const id = res.headers.get("x-run-id")!;
    const minted = (await (await fetch(`${server.url}/runs/${id}/access-token`, { method: "POST", headers: auth })).json()) as { view_url: string };
    return { id, viewUrl: `${server.url}${minted.view_url}` };
  };
  const counter = (page: Page, name: string) => page.$eval(`#c-${name}`, (element) => Number(element.textContent!.replace(/,/g, "")));

  it("follows a live run: rows appear, the running count rises, rows turn succeeded, the result shows", async () => {
    // 36 batches, six at a time: a failure, a timeout, flaky ones retried; about four seconds in all.
    const items = Array.from({ length: 36 }, (_, i) => ({ ms: 450 + (i % 5) * 100, ...(i === 7 ? { fail: true } : {}), ...(i === 11 ? { ms: 2500 } : {}), ...(i % 9 === 4 ? { flaky: true } : {}) }));
    const { id, viewUrl } = await startBatches({ items });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.goto(viewUrl);
    expect(await page.textContent("#run-id")).toBe(id);

    // While the run is live: children running, rows on the canvas, and the first ones done.
    await page.waitForFunction('Number(document.getElementById("c-running").textContent) > 0');
    expect(await page.getAttribute("html", "data-status")).toBe("running");
    await page.waitForFunction('Number(document.getElementById("c-completed").textContent) > 0');
    const midway = await counter(page, "completed");
    expect(Number(await page.getAttribute("#timeline", "data-rows"))).toBe(36);
    expect(await page.getAttribute("html", "data-status")).toBe("running");
    await page.screenshot({ path: join(shots, "run-view-live.png") });

    // The end: every child accounted for, the result on the page.
    await page.waitForSelector("html[data-outcome]", { timeout: 20_000 });
    expect(await page.getAttribute("html", "data-outcome")).toBe("succeeded");
    expect(await counter(page, "completed")).toBeGreaterThan(midway);
    expect(await counter(page, "total")).toBe(36);
    expect((await counter(page, "completed")) + (await counter(page, "failed"))).toBe(36);
    expect(await counter(page, "failed")).toBe(2);
    expect(await counter(page, "retried")).toBeGreaterThanOrEqual(4);
    expect(await counter(page, "peak")).toBe(6);
    expect(await page.textContent("#outcome-title")).toBe("Result");
    const outcome = JSON.parse((await page.textContent("#outcome"))!) as { results: unknown[]; errors: unknown[] };
    expect(outcome.results).toHaveLength(36);
    expect(outcome.errors).toHaveLength(2);
    expect(await page.textContent("#connection")).toBe("run ended");
    // A row's details on hover: the timed-out batch is row 11.
    const box = (await page.locator("#timeline").boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 11 * 18 + 9);
    expect(await page.textContent("#tooltip")).toContain("status: timed_out");
    await page.mouse.move(0, 0);
    expect(errors).toEqual([]);
    await page.screenshot({ path: process.env.UPDATE_SCREENSHOT === "1" ? DOCS_SCREENSHOT : join(shots, "run-view.png"), fullPage: true });
    await page.close();
  });

  it("shows a failed run's error, and refuses a page without a token", async () => {
    expect((await fetch(`${server.url}/runs/nope/view`)).status).toBe(401);
    // Fail-fast is not this workflow's mode; a body with no items fails its mapping instead.
    const { viewUrl } = await startBatches({ items: "not a list" });
    const page = await browser.newPage();
    await page.goto(viewUrl);
    await page.waitForSelector("html[data-outcome]");
    expect(await page.getAttribute("html", "data-outcome")).toBe("failed");
    expect(await page.textContent("#outcome-title")).toBe("Error");
    expect(await page.textContent("#outcome")).toContain("message");
    const unauthorized = await page.goto(viewUrl.replace(/access_token=[^&]+/, "access_token=1.forged"));
    expect(unauthorized!.status()).toBe(401);
    await page.close();
  });

  it("opens a run that has ended from its final snapshots and retries, not a replay of every event", async () => {
    // 12 batches, three at a time: a failure, a timeout (1.5 s), two retried.
    const items = Array.from({ length: 12 }, (_, i) => ({ ms: 40, ...(i === 3 ? { fail: true } : {}), ...(i === 5 ? { ms: 2500 } : {}), ...(i % 4 === 2 ? { flaky: true } : {}) }));
    const { id, viewUrl } = await startBatches({ items, max_concurrent: 3 });
    await expect.poll(async () => ((await (await fetch(`${server.url}/runs/${id}`, { headers: auth })).json()) as { status: string }).status, { timeout: 20_000 }).toBe("succeeded");
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const streams: string[] = [];
    page.on("request", (request) => request.url().includes("/events") && streams.push(new URL(request.url()).searchParams.get("types") ?? "all"));
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(viewUrl);
    await page.waitForSelector("html[data-outcome]");
    expect(streams).toEqual(["retrying,finished"]);
    expect(await page.getAttribute("html", "data-outcome")).toBe("succeeded");
    expect(Number(await page.getAttribute("#timeline", "data-rows"))).toBe(12);
    expect(await counter(page, "total")).toBe(12);
    expect(await counter(page, "completed")).toBe(10);
    expect(await counter(page, "failed")).toBe(2);
    expect(await counter(page, "retried")).toBeGreaterThanOrEqual(3);
    expect(await counter(page, "peak")).toBe(3);
    expect((JSON.parse((await page.textContent("#outcome"))!) as { results: unknown[] }).results).toHaveLength(12);
    // Rows and their details come from the records: the timed-out batch is row 5.
    const box = (await page.locator("#timeline").boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 5 * 18 + 9);
    expect(await page.textContent("#tooltip")).toContain("status: timed_out");
    // The concurrency curve comes from the rows' start and end times (no progress was sent): a
    // point per start or end, where the few events sent would give a handful.
    expect(Number(await page.getAttribute("#chart", "data-points"))).toBeGreaterThanOrEqual(12);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws a run of 10,000 children: every row, and the final counters", async () => {
    const items = Array.from({ length: 10_000 }, () => ({ ms: 0 }));
    const { viewUrl } = await startBatches({ items, max_concurrent: 20 });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(viewUrl);
    await page.waitForSelector("html[data-outcome]", { timeout: 60_000 });
    expect(await page.textContent("#outcome-title"), (await page.textContent("#outcome"))!).toBe("Result");
    expect(await counter(page, "completed")).toBe(10_000);
    // Counts are grouped by thousands (by hand, not Intl) in the counters and the rows note.
    expect(await page.textContent("#c-completed")).toBe("10,000");
    expect(await page.textContent("#rows-note")).toContain("(10,000 rows");
    expect(await page.getAttribute("#timeline", "data-rows")).toBe("10000");
    // Rows are drawn on one canvas, never a DOM node per child or per event.
    expect(await page.evaluate<number>('document.getElementsByTagName("*").length')).toBeLessThan(100);
    await page.close();
  });
});
