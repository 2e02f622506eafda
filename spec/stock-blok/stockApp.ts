import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type GlobalOptions, NodeMap, TriggerBase } from "@nanoservice-ts/runner";
import { GlobalError, type NodeBase, type RequestContext } from "@nanoservice-ts/shared";

/** What the released HTTP trigger would answer. */
export interface StockAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A Blok app built the stock way, as the released HTTP trigger (deskree-inc/blok main,
 * triggers/http) does without Express: the app's `nodes` object copied into a `NodeMap`,
 * `Configuration.init` per request (workflow files under `WORKFLOWS_PATH/json`), `createContext`,
 * the request body on `ctx.request`, `TriggerBase.run`, and errors turned into a status the way
 * its catch block does (a `GlobalError`'s code, default 500; its json as the body when set).
 */
export class StockApp extends TriggerBase {
  private readonly options: GlobalOptions;

  constructor(nodes: { [key: string]: NodeBase }) {
    super();
    const map = new NodeMap();
    for (const key of Object.keys(nodes)) map.addNode(key, nodes[key]!);
    this.options = { nodes: map, workflows: {} };
  }

  async listen(): Promise<number> {
    return 0;
  }

  /** Runs workflow `name` for a request with `body`, as a POST to `/<name>` would. */
  async request(name: string, body: object = {}): Promise<StockAnswer> {
    try {
      await this.configuration.init(name, this.options);
      const ctx = this.createContext(undefined, name);
      // The trigger assigns the Express request itself, with the same cast.
      ctx.request = { body } as unknown as RequestContext;
      const { ctx: done } = await this.run(ctx);
      return { status: 200, body: done.response.data };
    } catch (error) {
      if (error instanceof GlobalError) {
        if (error.context.code === undefined) error.setCode(500);
        return { status: error.context.code as number, body: error.hasJson() ? error.context.json : { error: error.message } };
      }
      return { status: 500, body: { error: (error as Error).message } };
    }
  }
}

/** A `WORKFLOWS_PATH` directory the stock `LocalStorage` reads (`<root>/json/<name>.json`). */
export class WorkflowDir {
  readonly root = mkdtempSync(path.join(tmpdir(), "stock-blok-"));

  constructor() {
    mkdirSync(path.join(this.root, "json"));
  }

  /** Writes workflow `name` with `steps` (`type` defaults to `module`) and node configs. */
  write(name: string, steps: ReadonlyArray<{ name: string; node: string; type?: string; set_var?: boolean }>, nodes: Record<string, unknown>): string {
    const workflow = {
      name,
      version: "1.0.0",
      trigger: { http: { method: "POST", path: "/" } },
      steps: steps.map((step) => ({ type: "module", ...step })),
      nodes,
    };
    writeFileSync(path.join(this.root, "json", `${name}.json`), JSON.stringify(workflow));
    return name;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
