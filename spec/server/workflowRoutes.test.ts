import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compilePathPattern, loadWorkflowRoutes, WorkflowFolderError } from "../../src/server/workflowRoutes.js";

describe("compilePathPattern (trigger.http.path, as Express reads it)", () => {
  it.each([
    ["/", "/", {}],
    ["/", "/x", undefined],
    ["/:id", "/42", { id: "42" }],
    ["/:id", "/42/", { id: "42" }],
    ["/:id", "/", undefined],
    ["/:id?", "/", {}],
    ["/:id?", "/7", { id: "7" }],
    ["/users/:id/orders/:order", "/users/a%20b/orders/9", { id: "a b", order: "9" }],
    ["/users/:id", "/USERS/3", { id: "3" }],
    ["/files/*", "/files/a/b.txt", { "0": "a/b.txt" }],
    ["/files/*", "/files", {}],
    ["/v1.0/:id", "/v1x0/3", undefined],
  ])("%s against %s", (pattern, rest, expected) => {
    expect(compilePathPattern(pattern)(rest)).toEqual(expected);
  });
});

describe("loadWorkflowRoutes", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const folder = async (files: Record<string, string>): Promise<string> => {
    dir = await mkdtemp(path.join(tmpdir(), "blok-parallel-routes-"));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return dir;
  };
  const workflow = JSON.stringify({ name: "w", trigger: { http: { method: "post", path: "/" } }, steps: [{ name: "s", node: "n", type: "local" }] });

  it("serves each file at its name, upper-casing the method", async () => {
    const routes = await loadWorkflowRoutes(await folder({ "a.json": workflow, "b.yml": "name: b\nsteps:\n  - name: s\n    node: n\n    type: local\n", "notes.txt": "x" }));
    expect([...routes.keys()]).toEqual(["a", "b"]);
    expect(routes.get("a")!.http).toMatchObject({ method: "POST", path: "/" });
    expect(routes.get("b")!.http).toBeUndefined();
  });

  it("refuses a reserved name and two files with one name", async () => {
    await expect(loadWorkflowRoutes(await folder({ "runs.json": workflow }))).rejects.toThrow(WorkflowFolderError);
    await rm(dir!, { recursive: true, force: true });
    await expect(loadWorkflowRoutes(await folder({ "a.json": workflow, "a.yaml": "name: a\n" }))).rejects.toThrow(/would both be served at \/a; rename one/);
  });
});
