// The live run page (GET /runs/<id>/view): follows the run's event stream and draws one row per
// child on a time axis, live counters, concurrency over time and the outcome. Events only change
// state; drawing happens once per animation frame on canvases, and only the rows in view are
// drawn, so a run of tens of thousands of children costs a few hundred rectangles a frame and no
// DOM node per child or per event. It runs as an inline module script (strict, its own scope).
const STATUSES = ["queued", "running", "succeeded", "failed", "timed_out", "cancelled"];
const [QUEUED, RUNNING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED] = [0, 1, 2, 3, 4, 5];
const TERMINAL = { succeeded: SUCCEEDED, failed: FAILED, timed_out: TIMED_OUT, cancelled: CANCELLED };
const css = getComputedStyle(document.documentElement);
const COLORS = STATUSES.map((name) => css.getPropertyValue(`--${name}`).trim());
const RETRY_COLOR = css.getPropertyValue("--retry").trim();
const $ = (id) => document.getElementById(id);

// The page is /runs/<id>/view: the run and its events are its neighbours (relative URLs work
// behind a path-prefixing proxy too), with the page's access token when it came with one.
const token = new URLSearchParams(location.search).get("access_token");
const withToken = (path) => (token ? `${path}${path.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(token)}` : path);
const parts = location.pathname.split("/").filter(Boolean);
const runId = decodeURIComponent(parts[parts.length - 2] || "");
$("run-id").textContent = runId;

/** Container steps in the order they appeared; each has its own clock, placed after the previous one. */
const steps = [];
const stepsByName = new Map();
const samples = { t: [], running: [] };
const state = { status: "running", ended: false, stopped: false, lastT: 0, lastAt: performance.now(), live: false, dirty: true, error: null, record: null };

function stepOf(name) {
  let step = stepsByName.get(name);
  if (!step) {
    const previous = steps[steps.length - 1];
    step = { name, offset: previous ? previous.offset + previous.duration : 0, duration: 0, info: null, rows: [], first: 0, done: false };
    steps.push(step);
    stepsByName.set(name, step);
  }
  return step;
}

function rowCount(step) {
  return Math.max(step.rows.length, step.info ? step.info.total : 0);
}

function rowOf(step, index, name) {
  for (let i = step.rows.length; i <= index; i++) step.rows.push({ name: "", status: QUEUED, attempts: 0, start: -1, end: -1, retries: null, error: "" });
  const row = step.rows[index];
  if (name) row.name = name;
  return row;
}

function onInfo(step, info) {
  if (!info) return;
  step.info = info;
  step.duration = Math.max(step.duration, info.duration_ms);
  const t = step.offset + info.duration_ms;
  if (t >= state.lastT) {
    state.lastT = t;
    state.lastAt = performance.now();
  }
  let running = 0;
  for (const s of steps) if (s.info) running += s.info.running;
  addSample(t, running);
  state.dirty = true;
}

/** One point of the concurrency curve: a later time adds one, the same time replaces it, an earlier one is ignored. */
function addSample(t, running) {
  const last = samples.t.length - 1;
  if (last >= 0 && samples.t[last] === t) samples.running[last] = running;
  else if (last < 0 || t > samples.t[last]) {
    samples.t.push(t);
    samples.running.push(running);
  }
}

function onChild(type, data) {
  const step = stepOf(data.step);
  onInfo(step, data.info);
  const row = rowOf(step, data.index, data.name);
  const t = data.info ? data.info.duration_ms : step.duration;
  if (type === "started") {
    if (row.start < 0) row.start = t;
    row.status = RUNNING;
    row.end = -1;
    row.attempts = Math.max(row.attempts, data.attempt);
  } else if (type === "retrying") {
    (row.retries ||= []).push(t);
    row.status = RUNNING;
    row.error = data.error || "";
  } else if (type in TERMINAL) {
    row.status = TERMINAL[type];
    row.end = t;
    if (data.error) row.error = data.error;
  }
}

function onFinished(data) {
  const step = stepOf(data.step);
  step.done = true;
  onInfo(step, data.info);
  // The final snapshot has every child's record: it fills in what sampled progress or a
  // truncated replay never showed.
  for (const record of (data.info && data.info.children) || []) {
    const row = rowOf(step, record.index, record.name);
    row.status = STATUSES.indexOf(record.status);
    row.attempts = record.attempts;
    if (record.start_ms !== null) {
      row.start = record.start_ms;
      row.end = record.start_ms + (record.duration_ms || 0);
    }
    if (record.error) row.error = record.error;
  }
}

async function onEnd(data) {
  state.ended = true;
  state.status = data.status;
  state.error = data.error || null;
  state.dirty = true;
  connection("run ended");
  // Opened from its final snapshots, the run sent no progress to sample: the curve comes from the rows.
  if (state.record) samplesFromRows();
  try {
    const run = state.record || (await readRecord());
    showOutcome(run.status, run.status === "succeeded" ? run.result : run.error);
  } catch (error) {
    showOutcome(data.status, data.error ? { message: data.error } : { note: `the run's record could not be read: ${error.message}` });
  }
}

/** The run's record, `GET /runs/<id>`. */
async function readRecord() {
  const res = await fetch(withToken(`../${encodeURIComponent(runId)}`), { cache: "no-store" });
  const run = await res.json();
  if (!res.ok) throw new Error(run.error || `HTTP ${res.status}`);
  return run;
}

/** Children holding a slot over time, from every row's start and end. */
function samplesFromRows() {
  const points = [];
  for (const step of steps) {
    for (const row of step.rows) if (row.start >= 0) points.push([step.offset + row.start, 1], [step.offset + Math.max(row.start, row.end), -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  samples.t.length = 0;
  samples.running.length = 0;
  let running = 0;
  for (const [t, delta] of points) addSample(t, (running += delta));
}

function showOutcome(status, value) {
  let text = JSON.stringify(value === undefined ? null : value, null, 2);
  const limit = 20000;
  if (text.length > limit) text = `${text.slice(0, limit)}\n... (${text.length - limit} more characters: GET /runs/${runId} has it all)`;
  $("outcome-title").textContent = status === "succeeded" ? "Result" : status === "cancelled" ? "Cancelled" : "Error";
  $("outcome").textContent = text;
  $("outcome-box").dataset.status = status;
  $("outcome-box").hidden = false;
  document.documentElement.dataset.outcome = status;
}

function note(text) {
  $("notes").textContent = text;
}

// ---- the event stream ----
// Read with fetch, not EventSource: a browser dispatches each EventSource message as a task of
// its own, and the replay of a 10,000-child run (20,000 events) then starved the frames for
// seconds. Here each network chunk (up to the server's 64 KB batches) is one task, and a frame
// can be drawn between chunks. Reconnection resumes after the last id, as EventSource would.
const handlers = {
  late: () => undefined,
  progress: (data) => onInfo(stepOf(data.step), data.info),
  finished: onFinished,
  end: onEnd,
  truncated: (data) => note(`The run's oldest events are no longer kept (${data.skipped} skipped): rows fill in from the final snapshot.`),
  dropped: (data) => note(`The stream fell behind and was dropped (${data.reason}); reconnecting.`),
  shutdown: () => {
    state.stopped = true;
    note("The server is shutting down.");
  },
};
for (const type of ["started", "succeeded", "failed", "timed_out", "retrying", "cancelled"]) handlers[type] = (data) => onChild(type, data);
let lastEventId = 0;
/** Reading events gives way to a frame after this long: short of the 50 ms a browser counts as a long task. */
const YIELD_AFTER_MS = 12;

/** Handles one `id:/event:/data:` block of the stream (comments, such as heartbeats, are skipped). */
function dispatch(block) {
  let type = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("data: ")) data += line.slice(6);
    else if (line.startsWith("event: ")) type = line.slice(7);
    else if (line.startsWith("id: ")) lastEventId = Number(line.slice(4));
  }
  const handler = handlers[type];
  if (handler && data) handler(JSON.parse(data));
}

function connection(text) {
  $("connection").textContent = text;
}

/**
 * A run that had already ended when the page opened is drawn from each container step's final
 * snapshot (its `finished` event holds one record per child) and its retries, not replayed event
 * by event: for 10,000 children that is a few events instead of 20,000 (docs/bench/view.md).
 */
async function openedAfterTheEnd() {
  try {
    const run = await readRecord();
    if (run.status !== "running") state.record = run;
  } catch {
    // The full stream then says what is wrong (or reconnects).
  }
  return state.record !== null;
}

async function follow() {
  const path = (await openedAfterTheEnd()) ? "events?types=retrying,finished" : "events";
  for (let attempt = 1; !state.ended && !state.stopped; attempt++) {
    try {
      const res = await fetch(withToken(path), { cache: "no-store", headers: lastEventId ? { "last-event-id": String(lastEventId) } : {} });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        connection(`disconnected: ${res.status} ${body.error || ""} (a page opened with an access token needs a fresh one to reconnect)`);
        return;
      }
      attempt = 0;
      state.live = true;
      connection("live");
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let lastYield = performance.now();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const cut = buffer.lastIndexOf("\n\n");
        if (cut < 0) continue;
        const blocks = buffer.slice(0, cut).split("\n\n");
        buffer = buffer.slice(cut + 2);
        // A replay arrives faster than it is read: reads then resolve without leaving the task,
        // and one read can hold thousands of events, whose parsing is the page script's largest
        // cost in a CPU profile of a 10,000-child replay. Give the frame its turn between events
        // as well as between reads (bench/view measures the tasks that remain).
        for (const block of blocks) {
          dispatch(block);
          if (performance.now() - lastYield > YIELD_AFTER_MS) {
            schedule();
            await new Promise((resolve) => setTimeout(resolve, 0));
            lastYield = performance.now();
          }
        }
        schedule();
      }
    } catch (error) {
      note(`The event stream broke: ${error.message}`);
    }
    if (state.ended || state.stopped) break;
    state.live = false;
    connection("reconnecting...");
    await new Promise((resolve) => setTimeout(resolve, Math.min(attempt, 5) * 1000));
  }
}
follow();

// ---- drawing, once per animation frame ----
let frame = 0;
function schedule() {
  if (!frame) frame = requestAnimationFrame(draw);
}

function now() {
  if (state.ended || !state.live) return state.lastT;
  return state.lastT + (performance.now() - state.lastAt);
}

function totals() {
  const sum = { total: 0, completed: 0, failed: 0, running: 0, queued: 0, retried: 0, concurrent_peak: 0 };
  for (const step of steps) {
    if (!step.info) continue;
    for (const key of ["total", "completed", "failed", "running", "queued", "retried"]) sum[key] += step.info[key];
    sum.concurrent_peak = Math.max(sum.concurrent_peak, step.info.concurrent_peak);
  }
  return sum;
}

// Digits grouped by hand, not with Intl: toLocaleString("en") builds a formatter per call (tens of
// ms a frame in Chromium), and building even one loads locale data in a task of tens of ms while
// the page opens (a CPU profile, bench/view's page). Counts are non-negative integers.
const numbers = { format: (n) => String(n).replace(/\B(?=(\d{3})+$)/g, ",") };
const shown = new Map();
function setText(id, text) {
  if (shown.get(id) === text) return;
  shown.set(id, text);
  $(id).textContent = text;
}

function formatMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60000 ? `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s` : `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

function drawCounters(t) {
  const sum = totals();
  for (const key of ["total", "completed", "failed", "running", "queued", "retried"]) setText(`c-${key}`, numbers.format(sum[key]));
  setText("c-peak", numbers.format(sum.concurrent_peak));
  setText("c-duration", formatMs(t));
  const badge = $("status");
  if (badge.dataset.status !== state.status) {
    badge.dataset.status = state.status;
    badge.textContent = state.status;
    document.documentElement.dataset.status = state.status;
  }
  const workflow = steps.length ? steps.map((step) => step.name).join(" → ") : "run";
  setText("workflow", workflow);
}

function fitCanvas(canvas, cssHeight) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(cssHeight * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(cssHeight * ratio);
    canvas.style.height = `${cssHeight}px`;
  }
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, cssHeight);
  return { context, width };
}

/** Times of the axis' grid lines: a round step giving about eight of them. */
function ticks(span) {
  const rough = span / 8;
  const power = Math.pow(10, Math.floor(Math.log10(Math.max(rough, 1))));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) || power * 10;
  const out = [];
  for (let t = step; t < span; t += step) out.push(t);
  return out;
}

/** The concurrency chart, on the same time axis as the rows below it (`left` is where time 0 is). */
function drawChart(span, left) {
  const canvas = $("chart");
  const height = 90;
  const { context, width } = fitCanvas(canvas, height);
  const peak = Math.max(1, ...steps.map((step) => (step.info ? step.info.concurrent_peak : 0)));
  const plot = { left: Math.max(left, 30), right: width - 8, top: 8, bottom: height - 18 };
  context.fillStyle = "#6b7385";
  context.font = "11px system-ui, sans-serif";
  context.textAlign = "right";
  context.fillText(plot.left >= 100 ? `${peak} running` : String(peak), plot.left - 6, plot.top + 8);
  context.fillText("0", plot.left - 6, plot.bottom);
  context.textAlign = "center";
  context.strokeStyle = "#eef0f4";
  for (const tick of ticks(span)) {
    const x = plot.left + (tick / span) * (plot.right - plot.left);
    context.beginPath();
    context.moveTo(x, plot.top);
    context.lineTo(x, plot.bottom);
    context.stroke();
    context.fillText(formatMs(tick), x, height - 4);
  }
  context.textAlign = "left";
  context.strokeStyle = "#e3e6ec";
  context.strokeRect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
  if (canvas.dataset.points !== String(samples.t.length)) canvas.dataset.points = String(samples.t.length);
  if (!samples.t.length) return;
  // A step line, one point per pixel column at most: the largest value of the column.
  context.beginPath();
  context.strokeStyle = COLORS[RUNNING];
  context.lineWidth = 1.5;
  const x = (t) => plot.left + (t / span) * (plot.right - plot.left);
  const y = (n) => plot.bottom - (n / peak) * (plot.bottom - plot.top);
  context.moveTo(plot.left, plot.bottom);
  let column = -1;
  let columnMax = 0;
  let previous = 0;
  for (let i = 0; i < samples.t.length; i++) {
    const px = Math.round(x(samples.t[i]));
    if (px !== column) {
      if (column >= 0) {
        context.lineTo(column, y(previous));
        context.lineTo(column, y(columnMax));
        previous = samples.running[i - 1];
      }
      column = px;
      columnMax = samples.running[i];
    } else columnMax = Math.max(columnMax, samples.running[i]);
  }
  context.lineTo(column, y(previous));
  context.lineTo(column, y(columnMax));
  context.lineTo(x(now()), y(samples.running[samples.running.length - 1]));
  context.stroke();
}

/** Room for the row names when rows are tall enough to carry them; else time starts at the edge. */
function labelWidth(count) {
  return rowHeight(count) >= 14 ? 150 : 30;
}

function rowHeight(count) {
  return count <= 40 ? 18 : count <= 400 ? 8 : count <= 4000 ? 3 : 2;
}

function layout() {
  let count = 0;
  for (const step of steps) {
    step.first = count;
    count += rowCount(step);
  }
  return count;
}

function drawRows(span) {
  const box = $("timeline");
  const count = layout();
  const height = rowHeight(count);
  const viewport = box.clientHeight;
  const spacer = Math.max(0, count * height - viewport);
  if ($("spacer").style.height !== `${spacer}px`) $("spacer").style.height = `${spacer}px`;
  if (box.dataset.rows !== String(count)) box.dataset.rows = String(count);
  setText("rows-note", count ? `(${numbers.format(count)} rows${height < 8 ? ", hover for details" : ""})` : "");
  const { context, width } = fitCanvas($("rows"), viewport);
  const labels = height >= 14;
  const left = labelWidth(count);
  const scale = (width - left - 8) / span;
  context.fillStyle = "#eef0f4";
  for (const tick of ticks(span)) context.fillRect(left + tick * scale, 0, 1, viewport);
  const top = box.scrollTop;
  const firstRow = Math.floor(top / height);
  const lastRow = Math.min(count - 1, Math.ceil((top + viewport) / height));
  const t = now();
  context.font = "11px system-ui, sans-serif";
  context.textBaseline = "middle";
  for (const step of steps) {
    const total = rowCount(step);
    const from = Math.max(firstRow, step.first);
    const to = Math.min(lastRow, step.first + total - 1);
    for (let r = from; r <= to; r++) {
      const index = r - step.first;
      const row = step.rows[index];
      const y = r * height - top;
      const barHeight = Math.max(1, height - (height > 4 ? 3 : 1));
      if (labels) {
        context.fillStyle = "#1d2330";
        context.fillText(`${row && row.name ? row.name : `#${index}`}${row && row.attempts > 1 ? ` ×${row.attempts}` : ""}`.slice(0, 24), 6, y + height / 2);
      }
      if (!row || row.start < 0) {
        // Never started: queued while the run goes on, or cancelled before its turn.
        context.fillStyle = COLORS[row ? row.status : QUEUED];
        context.globalAlpha = 0.45;
        context.fillRect(left, y + height / 2 - 0.5, Math.max(1, (row && row.end >= 0 ? step.offset + row.end : step.done ? step.offset + step.duration : t) * scale), Math.max(1, barHeight / 3));
        context.globalAlpha = 1;
        continue;
      }
      const start = left + (step.offset + row.start) * scale;
      const end = left + (row.end >= 0 ? step.offset + row.end : t) * scale;
      context.fillStyle = COLORS[row.status];
      context.fillRect(start, y + 1, Math.max(1.5, end - start), barHeight);
      if (row.retries) {
        context.fillStyle = RETRY_COLOR;
        for (const retry of row.retries) context.fillRect(left + (step.offset + retry) * scale - 1, y, 2.5, height);
      }
    }
  }
}

function draw() {
  frame = 0;
  const t = now();
  const span = Math.max(t, 1) * 1.02;
  drawCounters(t);
  drawChart(span, labelWidth(layout()));
  drawRows(span);
  state.dirty = false;
  // While the run is live the bars of running children grow with the clock.
  if (!state.ended && state.live) schedule();
}

$("timeline").addEventListener("scroll", schedule, { passive: true });
window.addEventListener("resize", schedule);

// Hover: the row under the pointer, described in a tooltip (computed on demand, not per event).
const tooltip = $("tooltip");
$("timeline").addEventListener("mousemove", (event) => {
  const box = $("timeline");
  const count = layout();
  const r = Math.floor((event.clientY - box.getBoundingClientRect().top + box.scrollTop) / rowHeight(count));
  const step = steps.find((s) => r >= s.first && r < s.first + rowCount(s));
  if (!step) return void (tooltip.hidden = true);
  const index = r - step.first;
  const row = step.rows[index];
  const lines = [`${step.name} · ${row && row.name ? row.name : `child ${index}`} (index ${index})`, `status: ${STATUSES[row ? row.status : QUEUED]}`];
  if (row && row.attempts) lines.push(`attempts: ${row.attempts}`);
  if (row && row.start >= 0) lines.push(`started at ${formatMs(row.start)}${row.end >= 0 ? `, took ${formatMs(row.end - row.start)}` : ""}`);
  if (row && row.error) lines.push(`error: ${row.error}`);
  tooltip.textContent = lines.join("\n");
  tooltip.style.left = `${event.clientX + 14}px`;
  tooltip.style.top = `${event.clientY + 14}px`;
  tooltip.hidden = false;
});
$("timeline").addEventListener("mouseleave", () => (tooltip.hidden = true));
schedule();
