// Python runtime benchmark: per-call round trip against a bare gRPC call, through servers that
// register ONE service name (as Blok's released server does) and through the bundled runtime;
// throughput at concurrency 1, 4, 16. Writes docs/bench/python.md.
// Run: npx tsx bench/python/roundtrip.ts [--rounds N]
import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import {
  BLOK_NODE_SERVICE_NAME,
  buildPythonContext,
  findPythonInterpreter,
  PythonRuntimeClient,
  RELEASED_NODE_SERVICE_NAME,
  startPythonRuntime,
} from "../../src/runtimes/python/index.js";
import { encodeNodeRequest } from "../../src/runtimes/python/nodeMessage.js";
import { executeNodeMethod, type NodeResponseMessage } from "../../src/runtimes/python/nodeServiceMethod.js";
import { startBareEchoServer } from "./startBareEchoServer.js";
import { median } from "../stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const PAGE = join(here, "../../docs/bench/python.md");
const roundsArg = process.argv.indexOf("--rounds");
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 7;
const CALLS_PER_ROUND = 300;
const WARMUP_CALLS = 300;
const THROUGHPUT_WINDOW_MS = 1_000;
const CONCURRENCY = [1, 4, 16] as const;
const TARGET_ROUNDTRIP_RATIO = 1.5;
const TARGET_SCALING = 4;

/** A context whose JSON is exactly 1 KiB, shaped like what a Blok step sends. */
function oneKibContext(): unknown {
  const base = { request: { method: "POST", url: "/bench", headers: { "content-type": "application/json" }, body: { id: 42 } } };
  const make = (pad: string) => buildPythonContext(base, { payload: pad });
  const overhead = JSON.stringify(make("")).length;
  const context = make("x".repeat(1024 - overhead));
  if (JSON.stringify(context).length !== 1024) throw new Error("context is not 1 KiB");
  return context;
}


type Call = () => Promise<unknown>;

/**
 * Median per-call latency (ms) of each variant over `calls` sequential calls per variant, the
 * variants taking turns call by call (in rotating order) so that drift on a busy machine (CPU
 * frequency, GC, other processes) hits every variant alike.
 */
async function interleavedLatency<K extends string>(variants: Record<K, Call>, calls: number): Promise<Record<K, number>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < calls; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      const start = performance.now();
      await variants[name]();
      samples[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])])) as Record<K, number>;
}

/** Completed calls per second with `concurrency` callers looping for the window. */
async function throughput(call: Call, concurrency: number): Promise<number> {
  let completed = 0;
  const start = performance.now();
  const end = start + THROUGHPUT_WINDOW_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        completed++;
      }
    }),
  );
  return (completed * 1000) / (performance.now() - start);
}

/** A raw grpc-js unary call, the request encoded once: gRPC itself, no client of ours. */
function bareGrpcCall(port: number, service: string, context: unknown): { call: Call; close(): void } {
  // A channel option no other client sets, so this channel gets a connection of its own.
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), { "grpc.primary_user_agent": "bench-bare" });
  const method = executeNodeMethod(service);
  const message = encodeNodeRequest("echo", context);
  const call: Call = () =>
    new Promise((resolve, reject) =>
      client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, message, new Metadata(), {}, (error, value?: NodeResponseMessage) =>
        error ? reject(error) : resolve(value),
      ),
    );
  return { call, close: () => client.close() };
}

const python = await findPythonInterpreter();
const runtime = await startPythonRuntime({ nodesDir: join(here, "nodes"), python });
const released = await startBareEchoServer(python, RELEASED_NODE_SERVICE_NAME);
const blokOnly = await startBareEchoServer(python, BLOK_NODE_SERVICE_NAME);
const runtimeClient = new PythonRuntimeClient(runtime);
const releasedClient = new PythonRuntimeClient({ host: "127.0.0.1", port: released.port });
const blokOnlyClient = new PythonRuntimeClient({ host: "127.0.0.1", port: blokOnly.port });
const context = oneKibContext();
const bare = bareGrpcCall(released.port, RELEASED_NODE_SERVICE_NAME, context);
const bareBlok = bareGrpcCall(blokOnly.port, BLOK_NODE_SERVICE_NAME, context);

try {
  // The first call of each client: to the released-name server it is answered at once; to the
  // blok-only server it costs one UNIMPLEMENTED round trip, then the name is remembered.
  const firstReleased = (await releasedClient.execute({ node: "echo", context })).timing;
  const firstBlokOnly = (await blokOnlyClient.execute({ node: "echo", context })).timing;
  if (blokOnlyClient.service !== BLOK_NODE_SERVICE_NAME) throw new Error(`the blok-only server was not remembered: ${blokOnlyClient.service}`);
  // Server-side time per call as the runtime reports it (decode, dispatch, run, encode).
  const asyncNodeMs: number[] = [];
  const syncNodeMs: number[] = [];
  const calls: Record<string, Call> = {
    bare: bare.call,
    bareBlok: bareBlok.call,
    released: () => releasedClient.execute({ node: "echo", context }),
    blokOnly: () => blokOnlyClient.execute({ node: "echo", context }),
    runtimeAsync: async () => asyncNodeMs.push((await runtimeClient.execute({ node: "echo", context })).timing.node_ms!),
    runtimeSync: async () => syncNodeMs.push((await runtimeClient.execute({ node: "echo_sync", context })).timing.node_ms!),
    sleep20: () => runtimeClient.execute({ node: "sleep20", context }),
    noop: () => runtimeClient.execute({ node: "echo", context }),
    bareNoop: bare.call,
  };
  for (const call of Object.values(calls)) for (let i = 0; i < WARMUP_CALLS / 10; i++) await call();
  for (let i = 0; i < WARMUP_CALLS; i++) await Promise.all([calls.bare!(), calls.bareBlok!(), calls.released!(), calls.blokOnly!(), calls.runtimeAsync!()]);

  // Round trip: per round, the median of each variant; ratios are taken within a round.
  const VARIANTS = ["bare", "bareBlok", "released", "blokOnly", "runtimeAsync", "runtimeSync"] as const;
  type Variant = (typeof VARIANTS)[number];
  const latency = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    const medians = await interleavedLatency(Object.fromEntries(VARIANTS.map((v) => [v, calls[v]!])) as Record<Variant, Call>, CALLS_PER_ROUND);
    for (const variant of VARIANTS) latency[variant].push(medians[variant]);
  }
  // Each one-name server is compared with a bare call to that same server (its own process).
  const baselineOf = (variant: Variant): Variant => (variant === "blokOnly" || variant === "bareBlok" ? "bareBlok" : "bare");
  const ratios = (variant: Variant): number[] => latency[variant].map((v, i) => v / latency[baselineOf(variant)][i]!);
  const ratio = (variant: Variant): number => median(ratios(variant));
  const spread = (variant: Variant): string => {
    const values = ratios(variant);
    return `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;
  };

  const tput: Record<"sleep20" | "noop" | "bareNoop", Record<number, number[]>> = { sleep20: {}, noop: {}, bareNoop: {} };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(tput) as (keyof typeof tput)[]) {
      for (const c of CONCURRENCY) (tput[name][c] ??= []).push(await throughput(calls[name]!, c));
    }
  }
  const tputMedian = (name: keyof typeof tput, c: number): number => median(tput[name][c]!);
  const scaling = tputMedian("sleep20", 16) / tputMedian("sleep20", 1);

  const pythonVersion = execFileSync(python, ["-c", "import sys, grpc; print(sys.version.split()[0], grpc.__version__)"], { encoding: "utf8" }).trim().split(" ");
  const fmt = (n: number, digits = 3) => n.toFixed(digits);
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  const row = (label: string, variant: Variant) =>
    `| ${label} | ${fmt(median(latency[variant]))} | ${fmt(ratio(variant), 2)}x | ${variant === baselineOf(variant) ? "-" : spread(variant)} |`;
  const firstMs = (timing: { connect_ms?: number; call_ms: number }) => fmt(timing.call_ms, 2);
  const page = [
    "# Benchmark: Python runtime round trip and throughput",
    "",
    "Written by `npx tsx bench/python/roundtrip.ts` (also `npm run bench -- python`); needs a Python with `grpcio`",
    "(see [python-nodes.md](../python-nodes.md)). Every figure below comes from the run described in its header.",
    "",
    "## Method",
    "",
    "- **Servers**, all started by the script, all `grpc.aio` on the same interpreter, same codec:",
    "  - two **one-name echo servers** (`bench/python/bare_echo_server.py`): `grpc.aio.server()` with gRPC-core's",
    `    defaults, as Blok's released Python server, registering ExecuteNode under ONE service name: \`${RELEASED_NODE_SERVICE_NAME}\``,
    `    (released Blok) for one, \`${BLOK_NODE_SERVICE_NAME}\` for the other. They answer with the request's \`Message\``,
    "    untouched: no base64/JSON work, no node lookup, no metadata;",
    "  - the **bundled runtime** (`python -m blok_runtime`, both names) serving `bench/python/nodes`: `echo` (async,",
    "    returns its inputs), `echo_sync` (the same as a sync node, through the thread pool), `sleep20` (awaits 20 ms).",
    "- **Baseline, a bare gRPC call**: a raw `@grpc/grpc-js` unary call to a one-name echo server, its request",
    "  encoded once, its reply not decoded: gRPC itself and nothing of ours. Each one-name server is compared with",
    "  bare calls to itself (each is its own process); the bundled runtime with those to the released-name server.",
    "- **Client**: `PythonRuntimeClient` with its defaults (no service named: it tries the released name, falls back",
    "  once on `UNIMPLEMENTED`, and remembers the name per address), one persistent channel per server.",
    "- **Context**: exactly 1 KiB of JSON, shaped like a Blok step's (`request` with method, url, headers, body;",
    "  `config` = inputs padded to size). Every reply is about 1 KiB.",
    `- **Round trip**: after warm-up, each round makes ${CALLS_PER_ROUND} sequential calls per variant, the variants taking turns`,
    "  call by call (rotating order) so machine drift hits them alike. Per round: the median per call of each",
    `  variant and its ratio to the bare call; reported: medians over ${ROUNDS} rounds, and the range of the per-round ratios.`,
    `- **Throughput**: \`c\` callers each looping sequential calls for ${THROUGHPUT_WINDOW_MS} ms, completed calls per second; median over`,
    `  ${ROUNDS} rounds, for c = ${CONCURRENCY.join(", ")}.`,
    "",
    "## Results",
    "",
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC · ${cpus().length} cores (${cpus()[0]?.model.trim()}) · load average at the end ${loadavg().map((l) => l.toFixed(2)).join(" ")} · Node ${process.version} · Python ${pythonVersion[0]} (grpcio ${pythonVersion[1]}, \`${python}\`)`,
    "",
    "| round trip, 1 KiB context, persistent channel | median per call (ms) | vs the bare gRPC call to the same server | per-round ratio range |",
    "|---|---:|---:|---:|",
    row(`bare gRPC call -> one-name server, ${RELEASED_NODE_SERVICE_NAME} (baseline)`, "bare"),
    row(`our client -> the same server`, "released"),
    row(`our client -> bundled runtime, async node (vs the released-name baseline)`, "runtimeAsync"),
    row(`our client -> bundled runtime, sync node, thread pool (vs the released-name baseline)`, "runtimeSync"),
    row(`bare gRPC call -> one-name server, ${BLOK_NODE_SERVICE_NAME} (baseline)`, "bareBlok"),
    row(`our client -> the same server, after the one fallback`, "blokOnly"),
    "",
    `First call of a fresh client (connection included), measured once: ${firstMs(firstReleased)} ms to the released-name server,`,
    `${firstMs(firstBlokOnly)} ms to the blok-only server, whose first call carries the one \`UNIMPLEMENTED\` round trip.`,
    "",
    `Server-side time per call inside the runtime (decode, dispatch, run, encode; median of \`blok-node-ms\`): async node ${fmt(median(asyncNodeMs))} ms, sync node ${fmt(median(syncNodeMs))} ms.`,
    "",
    "| throughput (calls/s) | c=1 | c=4 | c=16 | c=16 / c=1 |",
    "|---|---:|---:|---:|---:|",
    ...(Object.keys(tput) as (keyof typeof tput)[]).map((name) => {
      const label = { sleep20: "bundled runtime, async node awaiting 20 ms", noop: "bundled runtime, async echo node (no-op)", bareNoop: "bare gRPC call, one-name echo server" }[name];
      const [t1, t4, t16] = CONCURRENCY.map((c) => tputMedian(name, c));
      return `| ${label} | ${fmt(t1!, 0)} | ${fmt(t4!, 0)} | ${fmt(t16!, 0)} | ${fmt(t16! / t1!, 2)}x |`;
    }),
    "",
    "## Against the targets",
    "",
    "| target | result | verdict |",
    "|---|---|---|",
    `| round trip against a one-name server (released name) within ${TARGET_ROUNDTRIP_RATIO}x of a bare gRPC call | ${fmt(ratio("released"), 2)}x | ${verdict(ratio("released") <= TARGET_ROUNDTRIP_RATIO)} |`,
    `| round trip against a one-name server (blok name, after the fallback) within ${TARGET_ROUNDTRIP_RATIO}x of a bare gRPC call | ${fmt(ratio("blokOnly"), 2)}x | ${verdict(ratio("blokOnly") <= TARGET_ROUNDTRIP_RATIO)} |`,
    `| round trip through the bundled runtime (async node) within ${TARGET_ROUNDTRIP_RATIO}x of a bare gRPC call | ${fmt(ratio("runtimeAsync"), 2)}x | ${verdict(ratio("runtimeAsync") <= TARGET_ROUNDTRIP_RATIO)} |`,
    `| throughput at concurrency 16 >= ${TARGET_SCALING}x concurrency 1 (20 ms node) | ${fmt(scaling, 2)}x | ${verdict(scaling >= TARGET_SCALING)} |`,
    "",
    "## Reading the figures",
    "",
    "- The difference between the bare call and our client against the same kind of server is the client's own",
    "  work per call: JSON + base64 encoding of the context, decoding the reply, the connect-time watch, and the",
    "  call bookkeeping the supervisor reads. The bundled runtime adds its server-side time (line above the",
    "  throughput table) and its trailing metadata.",
    "- The one fallback to the other service name is paid once per runtime address and process: the remembered",
    "  name makes every later call a single round trip, which the blok-only row shows.",
    "- With a 20 ms node, concurrent calls overlap on ONE channel (one HTTP/2 connection) and on the server's event",
    "  loop; the ideal scaling at 16 callers is 16x. A no-op node is CPU-bound end to end, so on a small shared",
    "  machine concurrency adds little, and the bare row shows the same ceiling: that limit is gRPC plus CPU.",
    "- The machine is shared: absolute figures move with its load (printed in the header); the ratios are taken",
    "  within a round, call by call, so drift hits every variant alike.",
    "",
  ];
  writeFileSync(PAGE, page.join("\n"));
  console.log(page.join("\n"));
  console.error(`wrote ${PAGE}`);
} finally {
  runtimeClient.close();
  releasedClient.close();
  blokOnlyClient.close();
  bare.close();
  bareBlok.close();
  await Promise.all([runtime.stop(), released.stop(), blokOnly.stop()]);
}
