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

/** The one-paragraph stderr message; the stack only with `--debug`. */
export function errorParagraph(error: unknown, debug: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  const detail = debug && error instanceof Error && error.stack ? `\n${error.stack}` : "";
  return `blok-parallel: ${message}${detail}\n`;
}
