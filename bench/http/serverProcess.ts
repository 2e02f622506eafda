/**
 * One contender in its own process, so the load generator and the server under test do not
 * share a thread: prints `{"url": ...}` on stdout once listening, closes when stdin ends.
 *
 *   node --import tsx bench/http/serverProcess.ts <ours|bare|express|fastify>
 */
import { KINDS, type Kind, start } from "./servers.js";

const kind = process.argv[2] as Kind;
if (!KINDS.includes(kind)) {
  console.error(`usage: serverProcess.ts <${KINDS.join("|")}>`);
  process.exit(2);
}
const server = await start(kind);
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void server.close().then(() => process.exit(0));
});
