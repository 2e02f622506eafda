import { fileURLToPath } from "node:url";

/** The fixture folder of the server tests (workflows/, nodes/, broken/), with a trailing slash. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** An open event stream read piece by piece. */
export interface EventReader {
  /** Reads until `count` events of `type` have arrived in all; the text so far. */
  until(type: string, count: number): Promise<string>;
  /** Reads to the end of the stream; the whole text. */
  rest(): Promise<string>;
}

/** Reads a `text/event-stream` response as it arrives. */
export function eventReader(res: Response): EventReader {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const more = async (): Promise<boolean> => {
    const { value, done } = await reader.read();
    if (value) text += decoder.decode(value, { stream: true });
    return !done;
  };
  return {
    async until(type, count) {
      while ((text.match(new RegExp(`^event: ${type}$`, "gm")) ?? []).length < count) {
        if (!(await more())) throw new Error(`the stream ended before ${count} ${type} events: ${text}`);
      }
      return text;
    },
    async rest() {
      while (await more());
      return text;
    },
  };
}
