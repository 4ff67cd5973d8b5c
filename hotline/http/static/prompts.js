// The prompt review page: logs in once like the wallboard (login.js: the token is exchanged for
// an HttpOnly session cookie and forgotten; no script can read it, and it is never in an address),
// then reads the API with that cookie; audio is fetched the same way and played from a blob.
"use strict";
let language = null;
const $ = (selector) => document.querySelector(selector);

function showProblem(message) {
  const box = $("#problem");
  box.textContent = message || "";
  box.hidden = !message;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);  // the session cookie goes along (same origin)
  if (!response.ok) {
    let detail = response.status + " " + response.statusText;
    try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch (_) { /* not JSON */ }
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }
  return response;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

async function play(url, label) {
  const player = $("#player");
  const blob = await (await api(url)).blob();
  if (player.src) URL.revokeObjectURL(player.src);
  delete player.dataset.ended;
  player.dataset.playing = label;
  player.src = URL.createObjectURL(blob);
  await player.play();
}

$("#player").addEventListener("ended", (event) => { event.target.dataset.ended = event.target.dataset.playing; });

async function loadLanguages() {
  const progress = await (await api("/prompts/progress")).json();
  const nav = $("#languages");
  nav.replaceChildren();
  for (const p of progress) {
    const button = element("button", { "data-language": p.language, "aria-pressed": String(p.language === language) }, p.summary);
    button.addEventListener("click", () => showLanguage(p.language).catch((e) => showProblem(e.message)));
    nav.append(button);
  }
  if (!language && progress.length) await showLanguage(progress[progress.length - 1].language);
}

async function showLanguage(code) {
  language = code;
  for (const button of document.querySelectorAll("#languages button")) {
    button.setAttribute("aria-pressed", String(button.dataset.language === code));
  }
  const data = await (await api("/prompts/languages/" + encodeURIComponent(code))).json();
  $("#summary").textContent = data.progress.summary;
  const summaryButton = document.querySelector(`#languages button[data-language="${code}"]`);
  if (summaryButton) summaryButton.textContent = data.progress.summary;
  const body = $("#prompts tbody");
  body.replaceChildren(...data.prompts.map(row));
  $("#prompts").hidden = false;
}

function row(prompt) {
  const tr = element("tr", { "data-prompt": prompt.prompt_id, "data-kind": prompt.kind });
  tr.append(element("td", {}, String(prompt.number)), element("td", {}, prompt.prompt_id));
  const text = element("td", { class: "text" }, prompt.text || "（待翻译 to translate）");
  if (prompt.reference && prompt.reference !== prompt.text) text.append(element("small", {}, "普通话: " + prompt.reference));
  tr.append(text, element("td", { class: "status" }, prompt.status));
  const live = element("button", { class: "listen" }, "▶ 试听");
  live.addEventListener("click", () => play(prompt.audio_url, "live:" + prompt.prompt_id).catch((e) => showProblem(e.message)));
  tr.append(element("td", {}).appendChild(live).parentNode);
  const takes = element("td", { class: "takes" });
  for (const take of prompt.takes) takes.append(takeView(take));
  tr.append(takes);
  const upload = element("input", { type: "file", class: "upload", accept: ".wav,.mp3,.m4a,audio/*" });
  upload.addEventListener("change", () => uploadTake(prompt.prompt_id, upload).catch((e) => showProblem(e.message)));
  tr.append(element("td", {}).appendChild(upload).parentNode);
  return tr;
}

function takeView(take) {
  const box = element("div", { class: "take", "data-take": take.id, "data-status": take.status });
  const when = new Date(take.recorded_at).toLocaleString();
  box.append(element("span", {}, `${take.status} · ${take.recorded_by} · ${take.source} · ${when} `));
  const listen = element("button", { class: "play-take" }, "▶");
  listen.addEventListener("click", () => play(take.audio_url, "take:" + take.id).catch((e) => showProblem(e.message)));
  box.append(listen);
  if (take.status === "awaiting") {
    const approve = element("button", { class: "approve" }, "通过 Approve");
    approve.addEventListener("click", () => review(take.id, "approve").catch((e) => showProblem(e.message)));
    const reject = element("button", { class: "reject" }, "不通过 Reject");
    reject.addEventListener("click", () => review(take.id, "reject").catch((e) => showProblem(e.message)));
    box.append(approve, reject);
  }
  return box;
}

async function uploadTake(promptId, input) {
  const file = input.files[0];
  if (!file) return;
  showProblem("");
  const query = new URLSearchParams({ language, prompt: promptId, filename: file.name });
  await api("/prompts/upload?" + query, { method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" } });
  await showLanguage(language);
}

async function review(takeId, action) {
  showProblem("");
  await api(`/prompts/takes/${encodeURIComponent(takeId)}/${action}`, { method: "POST" });
  await loadLanguages();
  await showLanguage(language);
}

async function start() {
  await hotlineLogin();  // (it shows who in #who)
  try {
    await loadLanguages();
    showProblem("");
  } catch (e) {
    showProblem(e.status === 403 ? "此令牌不能审核提示音 This token's role cannot review prompts (recorder or ops)." : e.message);
  }
}

start();
