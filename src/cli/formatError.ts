import { GlobalError } from "../blok/index.js";

/** What the CLI prints on stdout when a run fails. */
export interface ErrorDocument {
  readonly error: { readonly message: string; readonly code?: number; readonly json?: object };
}

/** The stdout document for a failure: message, and the GlobalError's code and json when it has them. */
export function errorDocument(error: unknown): ErrorDocument {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof GlobalError)) return { error: { message } };
  const { code, json } = error.context;
  return { error: { message, ...(code === undefined ? {} : { code }), ...(json === undefined ? {} : { json }) } };
}

/**
 * The one-paragraph stderr message; with `--debug`, the stack and those of every `cause` (a
 * container failure's own stack points at the container; the failing child's is in its causes).
 */
export function errorParagraph(error: unknown, debug: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  let detail = "";
  if (debug) {
    const seen = new Set<unknown>();
    for (let current: unknown = error; current instanceof Error && !seen.has(current); current = current.cause) {
      seen.add(current);
      detail += `\n${current === error ? "" : "Caused by: "}${current.stack ?? `${current.name}: ${current.message}`}`;
    }
  }
  return `blok-parallel: ${message}${detail}\n`;
}
