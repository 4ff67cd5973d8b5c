// The supervisor's page: search call history (GET /calls, the session cookie from login.js) and
// play a call's recording in the page (GET /calls/{id}/recording: supervisor and ops only; the
// audio element seeks with HTTP Range requests, each of which the service audits).
const form = document.getElementById("search");
const rows = document.querySelector("#calls tbody");
const player = document.getElementById("player");
const more = document.getElementById("more");
let nextCursor = null;

function problem(text) {
  const p = document.getElementById("problem");
  p.textContent = text || "";
  p.hidden = !text;
}
function cell(text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined || text === "" ? "—" : String(text);
  return td;
}
function query(cursor) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (!value) continue;
    // datetime-local has no offset: send the browser's own (the API wants ISO 8601 with an offset)
    params.set(name, name === "from" || name === "to" ? new Date(value).toISOString() : value);
  }
  if (cursor) params.set("cursor", cursor);
  return params;
}
async function search(cursor) {
  const reply = await fetch(`/calls?${query(cursor)}`);
  if (!reply.ok) { problem((await reply.json()).detail || reply.statusText); return; }
  problem(null);
  const page = await reply.json();
  if (!cursor) rows.replaceChildren();
  for (const call of page.items) {
    const tr = document.createElement("tr");
    tr.dataset.call = call.call_id;
    tr.append(cell(new Date(call.started_at).toLocaleString("zh-CN")), cell(`${call.dialect}.${call.business}`),
              cell(call.caller), cell(call.outcome), cell(call.queue_wait_s && Math.round(call.queue_wait_s)),
              cell(call.agent), cell(call.talk_s && Math.round(call.talk_s)), cell(call.rating));
    const td = document.createElement("td");
    if (call.outcome === "answered") {
      const play = document.createElement("button");
      play.type = "button";
      play.className = "play";
      play.textContent = "▶";
      play.addEventListener("click", () => listen(call.call_id));
      td.append(play);
    }
    tr.append(td);
    rows.append(tr);
  }
  nextCursor = page.next_cursor;
  more.hidden = !nextCursor;
}
async function listen(callId) {
  const detail = await (await fetch(`/calls/${encodeURIComponent(callId)}`)).json();
  if (!detail.recording || !detail.recording.url) { problem(`${callId}: 没有录音 no recording`); return; }
  player.dataset.call = callId;
  player.src = detail.recording.url;
  await player.play();
}

form.addEventListener("submit", (event) => { event.preventDefault(); search(null); });
more.addEventListener("click", () => search(nextCursor));
hotlineLogin().then(() => search(null));  // (login.js shows who in #who)
