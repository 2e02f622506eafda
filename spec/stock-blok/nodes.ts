import { NanoService, NanoServiceResponse } from "@nanoservice-ts/runner";
import { type Context, GlobalError } from "@nanoservice-ts/shared";

/** What a {@link Wait} run saw, in the order the runs ended. */
export interface WaitRecord {
  readonly label: string;
  readonly aborted: boolean;
  readonly reason: string | undefined;
}

type Inputs = Parameters<NanoService["handle"]>[1];

/**
 * A stock node written the released way (NanoService + NanoServiceResponse): waits `inputs.ms`.
 * It also honours this package's `ctx.signal` extension when present, which stock Blok's
 * `Context` type does not declare (hence the `in` check), and records whether it was stopped.
 */
export class Wait extends NanoService {
  constructor(private readonly records: WaitRecord[]) {
    super();
  }

  async handle(ctx: Context, inputs: Inputs): Promise<NanoServiceResponse> {
    const signal = "signal" in ctx && ctx.signal instanceof AbortSignal ? ctx.signal : undefined;
    const aborted = await new Promise<boolean>((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve(false);
      }, Number(inputs.ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    const label = String(inputs.label);
    this.records.push({ label, aborted, reason: aborted ? String((signal?.reason as Error | undefined)?.name) : undefined });
    const response = new NanoServiceResponse();
    response.setSuccess({ label, aborted });
    return response;
  }
}

/** Fails the idiomatic released way: `setError` with a `GlobalError` carrying a code and json. */
export class Fail extends NanoService {
  async handle(_ctx: Context, inputs: Inputs): Promise<NanoServiceResponse> {
    const error = new GlobalError(String(inputs.message));
    error.setCode(Number(inputs.code));
    error.setJson({ reason: String(inputs.message) });
    const response = new NanoServiceResponse();
    response.setError(error);
    return response;
  }
}

/** Fails by throwing a plain `Error` (the stock runner answers 500). */
export class Throw extends NanoService {
  async handle(): Promise<NanoServiceResponse> {
    throw new Error("plain failure");
  }
}

/** Answers with its (mapped) inputs, so a test sees what Blok's mapper handed the next step. */
export class Echo extends NanoService {
  async handle(_ctx: Context, inputs: Inputs): Promise<NanoServiceResponse> {
    const response = new NanoServiceResponse();
    response.setSuccess({ inputs });
    return response;
  }
}
