import type { NodeRequestMessage, NodeResponseMessage } from "./nodeServiceMethod.js";

/**
 * Encodes a call the way Blok's TypeScript runner does: the context as base64 JSON.
 *
 * @param node - the Python node to run (`Name`).
 * @param context - the context subset; must be JSON-serialisable.
 * @returns the request message.
 * @throws TypeError when `context` cannot be serialised (cycle, BigInt) or serialises to nothing.
 */
export function encodeNodeRequest(node: string, context: unknown): NodeRequestMessage {
  const json = JSON.stringify(context);
  if (json === undefined) throw new TypeError(`The context for Python node '${node}' is not JSON-serialisable`);
  return { Name: node, Message: Buffer.from(json, "utf8").toString("base64"), Encoding: "BASE64", Type: "JSON" };
}

/**
 * Decodes a reply's `Message` according to its `Encoding` (`BASE64` or `STRING`) and `Type`
 * (`JSON`, `TEXT`/`HTML`/`XML` as a string, `BINARY` as a Buffer). Blok's own server always answers
 * base64 JSON; empty fields are read as those defaults.
 *
 * @param reply - the response message.
 * @returns the decoded data.
 * @throws Error (SyntaxError for bad JSON) when the message does not match its declared format.
 */
export function decodeNodeResponse(reply: NodeResponseMessage): unknown {
  const encoding = (reply.Encoding || "BASE64").toUpperCase();
  const type = (reply.Type || "JSON").toUpperCase();
  let raw: Buffer;
  if (encoding === "BASE64") raw = Buffer.from(reply.Message, "base64");
  else if (encoding === "STRING") raw = Buffer.from(reply.Message, "utf8");
  else throw new Error(`unsupported Encoding '${reply.Encoding}'`);
  if (type === "BINARY") return raw;
  const text = raw.toString("utf8");
  if (type === "TEXT" || type === "HTML" || type === "XML") return text;
  if (type !== "JSON") throw new Error(`unsupported Type '${reply.Type}'`);
  return JSON.parse(text) as unknown;
}
