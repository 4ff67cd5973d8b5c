// The 12333 wallboard: logs in once (login.js: a session cookie, no token in the address), reads
// /queues, /queues/{id}/calls and /agents, and re-reads them whenever /events reports a change (so the page is at most
// one round trip behind the router). Waits tick locally between reads. No build step.
"use strict";

const LABELS = {
  zh: {
    title: "12333 坐席监控", connecting: "连接中", live: "实时", offline: "已断开", queues: "队列",
    waiting_calls: "排队来电", agents: "坐席", caller: "来电号码", line: "队列", wait: "等待", step: "阶梯",
    agent: "坐席", business: "业务", waiting: "排队", longest: "最长等待", estimated: "预计等待",
    staffed: "可接/空闲", offered: "呼入", answered: "接通", abandoned: "放弃", sl: "服务水平",
    asa: "平均应答", abandon_rate: "放弃率", handled: "今日处理", aht: "平均处理", toggle: "English", login: { prompt: "令牌", submit: "登录", denied: "令牌无效或已撤销" },
    denied: "令牌无效或已撤销", none: "—",
    today: "今日对比计划", calls_vs_plan: "呼入（柱）、预测（虚线）与服务水平（点，右轴）",
    agents_vs_plan: "所需坐席（虚线）与在线坐席（实线）", target: "目标", logged_in: "在线",
    fold_on: "只看活跃队列", fold_off: "显示全部队列", folded: "条无活动队列已折叠",
    dialect: { mandarin: "普通话", zhuang: "壮语", cantonese: "粤语", guiliu: "桂柳话", hakka: "客家话" },
    businessLine: { pension: "养老保险", medical: "医疗保险", unemployment: "失业保险", work_injury: "工伤保险",
      employment: "就业服务", labour_relations: "劳动关系", personnel: "人事人才", ss_card: "社保卡" },
    state: { available: "空闲", offered: "振铃", on_call: "通话中", wrap_up: "话后处理", paused: "暂停",
      logged_out: "未登录" },
    pause: { break: "休息", training: "培训", no_answer: "未接听", no_phone: "话机不通" },
  },
  en: {
    title: "12333 Wallboard", connecting: "connecting", live: "live", offline: "disconnected", queues: "Queues",
    waiting_calls: "Calls waiting", agents: "Agents", caller: "Caller", line: "Line", wait: "Wait", step: "Step",
    agent: "Agent", business: "Business line", waiting: "Waiting", longest: "Longest", estimated: "Est. wait",
    staffed: "Staffed/idle", offered: "Offered", answered: "Answered", abandoned: "Abandoned", sl: "SL 20s",
    asa: "ASA", abandon_rate: "Aband.", handled: "Handled", aht: "AHT", toggle: "中文", login: { prompt: "Token", submit: "Log in", denied: "The token is unknown or revoked" },
    denied: "The token is unknown or revoked", none: "—",
    today: "Today against the plan", calls_vs_plan: "Offered (bars), forecast (dashed) and service level (dots, right axis)",
    agents_vs_plan: "Agents required (dashed) and logged in (solid)", target: "target", logged_in: "logged in",
    fold_on: "Active queues only", fold_off: "Show every queue", folded: "idle queues folded",
    dialect: { mandarin: "Mandarin", zhuang: "Zhuang", cantonese: "Cantonese", guiliu: "Guiliu", hakka: "Hakka" },
    businessLine: { pension: "Pension", medical: "Medical", unemployment: "Unemployment", work_injury: "Work injury",
      employment: "Employment", labour_relations: "Labour relations", personnel: "Personnel", ss_card: "SS card" },
    state: { available: "Available", offered: "Ringing", on_call: "On call", wrap_up: "Wrap-up", paused: "Paused",
      logged_out: "Logged out" },
    pause: { break: "break", training: "training", no_answer: "no answer", no_phone: "phone unreachable" },
  },
};
const EVENT_KINDS = ["hello", "lagged", "QueueCallerJoin", "QueueCallerStepChanged", "AgentCalled",
  "AgentRingNoAnswer", "AgentConnect", "AgentComplete", "QueueCallerAbandon", "QueueCallerLeave", "CallEnded",
  "QueueMemberStatus"];
const DIALECT_ORDER = ["mandarin", "zhuang", "cantonese", "guiliu", "hakka"];
const STATE_ORDER = ["available", "offered", "on_call", "wrap_up", "paused", "logged_out"];

const params = new URLSearchParams(location.search);
const lateAfter = Number(params.get("late") || 60);  // seconds: longest waits past this are highlighted
let lang = params.get("lang") === "en" ? "en" : "zh";
let data = { queues: [], agents: [], calls: [], readAt: Date.now() };
let foldIdle = params.get("active") === "1";  // fold the queues with nobody waiting and no call today
let chartDialect = DIALECT_ORDER.includes(params.get("dialect")) ? params.get("dialect") : "mandarin";
let today = null;  // GET /staffing/today for chartDialect
let refreshTimer = null, lastRead = 0, reading = false, again = false;
const MIN_GAP = 250;  // ms between reads: a busy router's events must not flood the API

const T = () => LABELS[lang];
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function seconds(s) {
  if (s === null || s === undefined) return T().none;
  s = Math.max(0, Math.round(s));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
const percent = (r) => (r === null || r === undefined ? T().none : `${Math.round(r * 100)}%`);
const sinceRead = () => (Date.now() - data.readAt) / 1000;

async function get(path) {
  const reply = await fetch(path);  // with the session cookie (login.js)
  if (reply.status === 401 || reply.status === 403) throw new Error("denied");
  if (!reply.ok) throw new Error(`${path}: ${reply.status}`);
  return reply.json();
}

async function refresh() {
  refreshTimer = null;
  reading = true;
  lastRead = Date.now();
  try {
    const [queues, agents, calls] = await Promise.all([get("/queues"), get("/agents"), get("/queues/calls")]);
    data = { queues, agents, calls, readAt: Date.now() };
    problem(null);
    render();
  } catch (err) {
    problem(err.message === "denied" ? T().denied : err.message);
  } finally {
    reading = false;
    if (again) { again = false; soon(); }
  }
}
function soon() {  // one read for a burst of events, at most one in flight, MIN_GAP apart
  if (reading) { again = true; return; }
  if (refreshTimer === null) refreshTimer = setTimeout(refresh, Math.max(20, lastRead + MIN_GAP - Date.now()));
}
function problem(text) {
  const p = document.getElementById("problem");
  p.hidden = !text;
  p.textContent = text || "";
}

function renderQueues() {
  const t = T(), host = document.getElementById("queues"), elapsed = sinceRead();
  host.replaceChildren();
  for (const dialect of DIALECT_ORDER) {
    const all = data.queues.filter((q) => q.dialect === dialect);
    if (!all.length) continue;
    const lines = foldIdle ? all.filter((q) => q.waiting > 0 || q.today.offered > 0) : all;
    const note = lines.length < all.length ? el("span", { class: "folded-note" }, ` ${all.length - lines.length} ${t.folded}`) : "";
    const head = el("tr", {}, ...[t.business, t.waiting, t.longest, t.estimated, t.staffed, t.offered, t.answered,
      t.abandoned, t.sl, t.asa, t.abandon_rate].map((h) => el("th", {}, h)));
    const body = lines.map((q) => {
      const longest = q.longest_wait === null ? null : q.longest_wait + elapsed;
      const late = longest !== null && longest >= lateAfter;
      return el("tr", { "data-queue": q.id, "data-waiting": q.waiting, class: (q.waiting ? "busy" : "") + (late ? " late" : "") },
        el("td", {}, t.businessLine[q.business] || q.business), el("td", {}, q.waiting),
        el("td", { class: "wait", "data-late": late }, seconds(longest)), el("td", {}, seconds(q.estimated_wait)),
        el("td", {}, `${q.eligible_agents}/${q.available_agents}`), el("td", {}, q.today.offered),
        el("td", {}, q.today.answered), el("td", {}, q.today.abandoned), el("td", {}, percent(q.today.service_level)),
        el("td", {}, seconds(q.today.average_speed_of_answer)), el("td", {}, percent(q.today.abandonment_rate)));
    });
    host.append(el("div", { class: "dialect", "data-dialect": dialect }, el("h3", {}, t.dialect[dialect] || dialect, note),
      lines.length ? el("table", {}, el("thead", {}, head), el("tbody", {}, ...body)) : ""));
  }
}

function renderCalls() {
  const t = T(), elapsed = sinceRead();
  const rows = data.calls.map((c) => {
    const wait = c.wait + elapsed;
    return el("tr", { "data-call": c.call_id, "data-state": c.state },
      el("td", {}, c.caller), el("td", {}, `${t.dialect[c.dialect] || c.dialect} · ${t.businessLine[c.business] || c.business}`),
      el("td", { class: wait >= lateAfter ? "late" : "" }, seconds(wait)), el("td", {}, c.step + 1),
      el("td", {}, c.agent_id || t.none));
  });
  document.querySelector("#calls tbody").replaceChildren(...rows);
}

function renderAgents() {
  const t = T(), now = Date.now() / 1000;
  const tiles = data.agents.map((a) => {
    const detail = [t.state[a.state] || a.state];
    if (a.pause_reason) detail.push(t.pause[a.pause_reason] || a.pause_reason);
    else if (a.phone_reachable === false) detail.push(t.pause.no_phone);  // logged out, and no phone either
    if (a.since !== null && a.state !== "logged_out") detail.push(seconds(now - Date.parse(a.since) / 1000));
    return el("div", { class: `tile state-${a.state}`, "data-agent": a.id, "data-state": a.state },
      el("div", { class: "name" }, `${a.name} (${a.id})`), el("div", { class: "detail" }, detail.join(" · ")),
      el("div", { class: "detail" }, `${t.handled} ${a.handled_today} · ${t.aht} ${seconds(a.average_handle_time)}`));
  });
  document.getElementById("agents").replaceChildren(...tiles);
  document.getElementById("legend").replaceChildren(...STATE_ORDER.map(
    (s) => el("span", { class: `legend state-${s}` }, t.state[s])));
}

// ----- today against the plan: two small SVG charts, drawn here (no chart library, no CDN) -----
const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}
const BOX = { w: 640, h: 220, left: 36, right: 40, top: 12, bottom: 28 };

function chartFrame(host, points, max, rightAxis) {
  const plotW = BOX.w - BOX.left - BOX.right, plotH = BOX.h - BOX.top - BOX.bottom;
  const band = plotW / Math.max(1, points.length);
  const x = (i) => BOX.left + band * (i + 0.5);
  const y = (v) => BOX.top + plotH * (1 - v / max);
  host.replaceChildren(svg("line", { class: "axis", x1: BOX.left, y1: BOX.top + plotH, x2: BOX.w - BOX.right, y2: BOX.top + plotH }),
    svg("text", { x: BOX.left - 4, y: BOX.top + 8, "text-anchor": "end" }, String(Math.round(max))));
  if (rightAxis) host.append(svg("text", { x: BOX.w - BOX.right + 4, y: BOX.top + 8 }, "100%"));
  const every = Math.max(1, Math.ceil(points.length / 10));
  points.forEach((p, i) => {
    if (i % every === 0) host.append(svg("text", { x: x(i), y: BOX.h - 8, "text-anchor": "middle" }, p.start));
  });
  return { x, y, band, plotH };
}

function line(host, cls, coords) {
  if (coords.length > 1) host.append(svg("polyline", { class: cls, points: coords.map(([a, b]) => `${a},${b}`).join(" ") }));
}

function renderCharts() {
  const t = T(), calls = document.getElementById("calls-chart"), agents = document.getElementById("agents-chart");
  const select = document.getElementById("today-dialect");
  select.replaceChildren(...DIALECT_ORDER.map((d) => {
    const option = el("option", { value: d }, t.dialect[d] || d);
    if (d === chartDialect) option.selected = true;
    return option;
  }));
  if (!today) { calls.replaceChildren(); agents.replaceChildren(); return; }
  const points = today.intervals;
  document.getElementById("today-target").textContent = `${t.target} ${today.target}`;
  const maxCalls = Math.max(1, ...points.map((p) => Math.max(p.offered || 0, p.forecast_calls || 0)));
  const c = chartFrame(calls, points, maxCalls * 1.1, true);
  const level = (v) => BOX.top + c.plotH * (1 - v);
  calls.append(svg("line", { class: "target", x1: BOX.left, x2: BOX.w - BOX.right, y1: level(today.target_level), y2: level(today.target_level) }));
  const forecast = [], sl = [];
  points.forEach((p, i) => {
    if (p.offered !== null) {
      const top = c.y(p.offered);
      calls.append(svg("rect", { class: "offered-bar", "data-start": p.start, x: c.x(i) - c.band * 0.3, width: c.band * 0.6,
        y: top, height: BOX.top + c.plotH - top }));
    }
    if (p.forecast_calls !== null) forecast.push([c.x(i), c.y(p.forecast_calls)]);
    if (p.service_level !== null) sl.push([c.x(i), level(p.service_level), p]);
  });
  line(calls, "forecast", forecast);
  forecast.forEach(([a, b]) => calls.append(svg("circle", { class: "forecast-point", cx: a, cy: b, r: 3 })));
  line(calls, "sl", sl);
  sl.forEach(([a, b, p]) => calls.append(svg("circle", { class: `sl-point${p.service_level < today.target_level ? " short" : ""}`,
    cx: a, cy: b, r: 4, "data-start": p.start }, null)));

  const maxAgents = Math.max(1, today.logged_in, ...points.map((p) => p.required_agents || 0)) * 1.2;
  const a = chartFrame(agents, points, maxAgents, false);
  const required = points.flatMap((p, i) => (p.required_agents === null ? [] : [[a.x(i), a.y(p.required_agents)]]));
  line(agents, "required", required);
  required.forEach(([px, py]) => agents.append(svg("circle", { class: "required-point", cx: px, cy: py, r: 3 })));
  const now = a.y(today.logged_in);
  agents.append(svg("line", { class: "logged-in", x1: BOX.left, x2: BOX.w - BOX.right, y1: now, y2: now }),
    svg("text", { x: BOX.w - BOX.right + 4, y: now + 4, class: "logged-in-label" }, `${t.logged_in} ${today.logged_in}`));
}

async function refreshToday() {
  try {
    today = await get(`/staffing/today?dialect=${encodeURIComponent(chartDialect)}`);
  } catch (err) {
    today = null;  // the charts stay empty; the queues and agents still show
  }
  renderCharts();
}

function render() {
  const t = T();
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = t.title;
  for (const node of document.querySelectorAll("[data-i18n]")) {
    const key = node.getAttribute("data-i18n");
    if (node.id !== "status") node.textContent = t[key];
  }
  document.getElementById("lang").textContent = t.toggle;
  const status = document.getElementById("status");
  status.textContent = t[status.dataset.i18n];
  document.getElementById("fold").textContent = foldIdle ? t.fold_off : t.fold_on;
  renderQueues();
  renderCalls();
  renderAgents();
  renderCharts();
}

function connect() {
  const source = new EventSource("/events");  // with the session cookie: no token in the address
  const status = document.getElementById("status");
  const show = (key, up) => { status.dataset.i18n = key; status.className = `status ${up ? "up" : "down"}`; status.textContent = T()[key]; };
  source.onopen = () => show("live", true);
  source.onerror = () => show("offline", false);  // EventSource reconnects by itself
  for (const kind of EVENT_KINDS) source.addEventListener(kind, soon);
}

document.getElementById("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; render(); });
document.getElementById("fold").addEventListener("click", () => { foldIdle = !foldIdle; render(); });
document.getElementById("today-dialect").addEventListener("change", (e) => { chartDialect = e.target.value; refreshToday(); });
setInterval(() => {
  document.getElementById("clock").textContent = new Date().toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB");
  renderQueues(); renderCalls(); renderAgents();  // waits and times in state tick between reads
}, 1000);
setInterval(soon, 10000);  // a safety net should an event be lost
hotlineLogin(T().login).then(() => {
  render();
  refresh();
  refreshToday();
  setInterval(refreshToday, 60000);  // the interval figures move slowly: once a minute
  connect();
});
