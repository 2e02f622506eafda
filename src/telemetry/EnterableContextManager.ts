import { AsyncLocalStorage } from "node:async_hooks";
import { type Context, type ContextManager, ROOT_CONTEXT } from "@opentelemetry/api";

/**
 * OpenTelemetry's context manager over one AsyncLocalStorage (as `@opentelemetry/context-async-hooks`
 * does), plus {@link enter}. The executor starts a child attempt right after it emits the attempt's
 * `started` event, in the same synchronous run; a listener cannot wrap that start in `with`, but
 * it can enter the attempt's context so the attempt's work (and every Promise it creates) runs in
 * it. That is how a Python call or a queue job made by the attempt finds the attempt's span.
 */
export class EnterableContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(context, () => fn.apply(thisArg, args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== "function") return target;
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => (target as (...a: unknown[]) => unknown).apply(this, args));
    } as T;
  }

  /**
   * Makes `context` the active one for the rest of the current synchronous run and for the
   * asynchronous work it starts. Callers inside {@link with} (every step runs in one) have the
   * previous context back when `with` returns.
   */
  enter(context: Context): void {
    this.storage.enterWith(context);
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}
