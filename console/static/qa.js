// The quality-inspection page (质检): the QA queue with filters, one closed conversation
// read-only (masked by the server, shown as text only) beside the rubric form, appeals for
// leads, the agent's own scores with their one appeal, rectification items, the weekly report.
"use strict";
const CATALOGUE = JSON.parse(document.getElementById("catalogue").textContent);
let lang = localStorage.getItem("kefu.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
if (!CATALOGUE[lang]) lang = "zh";
let token = sessionStorage.getItem("kefu.token") || "";
let me = JSON.parse(sessionStorage.getItem("kefu.qa.me") || "null");
let current = null; // the item open in the detail view: {detail, mode}
const $ = (id) => document.getElementById(id);
const t = (key) => (CATALOGUE[lang] && CATALOGUE[lang][key]) || key;
const has = (...roles) => !!me && (me.roles.includes("admin") || roles.some((r) => me.roles.includes(r)));
const label = (item) => item[lang] || item.zh;
const when = (iso) => (iso ? new Date(iso).toLocaleString(lang === "en" ? "en" : "zh-CN") : "");

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function row(cells, header) {
  const tr = el("tr");
  cells.forEach((c) => { const cell = el(header ? "th" : "td"); if (c instanceof Node) cell.append(c); else cell.textContent = c == null ? "" : String(c); tr.append(cell); });
  return tr;
}

function button(text, onclick) { const b = el("button", text); b.onclick = onclick; return b; }

function applyLang() {
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-ph]").forEach((n) => { n.placeholder = t(n.dataset.i18nPh); });
  $("lang-select").value = lang;
}

async function api(method, path, body) {
  const res = await fetch("/api/v1" + path, {method, headers: {"Content-Type": "application/json", Authorization: "Bearer " + token},
    body: body === undefined ? undefined : JSON.stringify(body)});
  if (res.status === 401) { logout(); throw new Error("401"); }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { $("flash").textContent = (data.error && data.error.message) || t("error"); throw new Error($("flash").textContent); }
  $("flash").textContent = "";
  return data;
}

function reasons(item) {
  const out = item.flags.map((f) => t("check." + f.check) + (f.check === "forbidden_phrase" ? "「" + f.detail + "」" : ""));
  if (item.sampled) out.unshift(t("sampled_tag"));
  return out.join("；");
}

function itemTable(table, items, extra) {
  table.replaceChildren(row([t("conversation"), t("agent"), t("group"), t("ended"), t("reasons"), t("state"), t("score"), ""], true));
  if (!items.length) table.append(row([t("no_items")]));
  items.forEach((i) => {
    const tr = row([i.conversation_id, i.agent, t("group." + i.skill_group), when(i.ended_at), reasons(i),
      t("status." + i.status), i.total == null ? "" : i.total, button(t("open"), () => openItem(i.id, extra))]);
    tr.dataset.conversation = i.conversation_id;
    table.append(tr);
  });
}

async function loadQueue() {
  const q = new URLSearchParams({filter: $("f-kind").value});
  if ($("f-status").value) q.set("status", $("f-status").value);
  if ($("f-group").value) q.set("group", $("f-group").value);
  if ($("f-agent").value.trim()) q.set("agent", $("f-agent").value.trim());
  itemTable($("queue-table"), (await api("GET", "/qa/items?" + q)).items, "score");
}

async function loadAppeals() {
  itemTable($("appeals-table"), (await api("GET", "/qa/items?status=appealed")).items, "decide");
}

async function loadMine() {
  const data = await api("GET", "/qa/my-scores");
  $("my-average").textContent = data.average == null ? "—" : data.average;
  const table = $("mine-table");
  table.replaceChildren(row([t("conversation"), t("ended"), t("total"), t("state"), t("reviewer"), t("appeal"), ""], true));
  if (!data.items.length) table.append(row([t("no_items")]));
  data.items.forEach((i) => {
    const tr = row([i.conversation_id, when(i.ended_at), i.review.total, t(i.review.passed ? "passed" : "failed"),
      i.review.reviewer, t("appeal." + i.review.appeal.status), button(t("open"), () => openItem(i.id, "mine"))]);
    tr.dataset.conversation = i.conversation_id;
    table.append(tr);
  });
}

async function loadRect() {
  const mine = !has("qa", "team_lead", "supervisor");
  const data = await api("GET", "/qa/rectifications" + (mine ? "?mine=1" : ""));
  const table = $("rect-table");
  table.replaceChildren(row([t("conversation"), t("agent"), t("due"), t("state"), ""], true));
  if (!data.rectifications.length) table.append(row([t("no_items")]));
  data.rectifications.forEach((r) => {
    const actions = el("span");
    if (me && r.agent === me.username && r.status === "open") actions.append(button(t("acknowledge"), () => advance(r.id, "acknowledge")));
    if (me && r.agent === me.username && (r.status === "open" || r.status === "acknowledged")) actions.append(button(t("mark_done"), () => advance(r.id, "done")));
    let state = t("rect." + r.status);
    if (r.overdue) state += " · " + t("overdue");
    if (r.on_time === true) state += " · " + t("on_time");
    if (r.on_time === false) state += " · " + t("late");
    const tr = row([r.conversation_id, r.agent, when(r.due_at), state, actions]);
    if (r.overdue) tr.className = "err";
    table.append(tr);
  });
}

async function advance(id, step) {
  await api("POST", `/qa/rectifications/${id}/${step}`, step === "done" ? {} : undefined);
  await loadRect();
}

function showDetail(data) {
  $("detail").classList.remove("hidden"); $("scoring").classList.remove("hidden");
  $("d-title").textContent = `${t("conversation")} ${data.item.conversation_id} · ${data.item.agent}`;
  $("d-flags").textContent = reasons(data.item);
  const box = $("d-transcript");
  box.replaceChildren();
  if (!data.archived) box.append(el("p", t("no_transcript"), "sys"));
  data.transcript.forEach((m) => box.append(el("div", m.text, "msg " + (m.from || "system"))));
}

function rubricForm(rubric, review, editable) {
  const table = $("rubric-table");
  table.replaceChildren(row([t("item"), t("weight"), t("max"), t("points"), t("item_comment")], true));
  rubric.items.forEach((item) => {
    const pts = el("input"); pts.type = "number"; pts.min = "0"; pts.max = String(item.max_points); pts.step = "0.5";
    pts.id = "pt-" + item.key; pts.disabled = !editable;
    if (review && review.points[item.key] !== undefined) pts.value = review.points[item.key];
    const cm = el("input"); cm.id = "cm-" + item.key; cm.disabled = !editable;
    if (review && review.comments[item.key]) cm.value = review.comments[item.key];
    table.append(row([label(item), item.weight, item.max_points, pts, cm]));
  });
  $("score-comment").value = review ? review.comment : "";
  $("score-comment").disabled = !editable;
  const summary = $("score-summary");
  summary.textContent = review ? `${t("total")} ${review.total} · ${t(review.passed ? "passed" : "failed")} (${t("threshold")} ${review.threshold}) · ${t("appeal." + review.appeal.status)}` + (review.appeal.reason ? "：" + review.appeal.reason : "") : "";
}

function formValues(rubric) {
  const points = {}, comments = {};
  rubric.items.forEach((item) => {
    const v = $("pt-" + item.key).value;
    if (v !== "") points[item.key] = Number(v);
    if ($("cm-" + item.key).value.trim()) comments[item.key] = $("cm-" + item.key).value.trim();
  });
  return {points, comments};
}

async function openItem(id, mode) {
  const data = await api("GET", "/qa/items/" + id);
  current = {data, mode};
  showDetail(data);
  const scoring = mode === "score" && !data.review;
  const deciding = mode === "decide" && data.review && data.review.appeal.status === "pending";
  rubricForm(data.rubric, data.review, scoring || deciding);
  $("score-btn").classList.toggle("hidden", !scoring);
  $("decide-box").classList.toggle("hidden", !deciding);
  $("appeal-box").classList.toggle("hidden", !(mode === "mine" && data.review && data.review.appeal.status === "none"));
}

async function submitScore() {
  const {data} = current;
  const {points, comments} = formValues(data.rubric);
  await api("POST", `/qa/items/${data.item.id}/score`, {rubric_version: data.rubric.version, points, comments, comment: $("score-comment").value});
  await openItem(data.item.id, "view");
  await loadQueue();
  $("flash").textContent = t("scored_ok");  // after the reloads, whose calls clear the flash
}

async function decide(decision) {
  const {data} = current;
  const body = {decision, note: $("decision-note").value};
  if (decision === "upheld") Object.assign(body, formValues(data.rubric));
  await api("POST", `/qa/items/${data.item.id}/appeal/decision`, body);
  await openItem(data.item.id, "view");
  await loadAppeals();
}

async function sendAppeal() {
  const {data} = current;
  await api("POST", `/qa/items/${data.item.id}/appeal`, {reason: $("appeal-reason").value});
  await openItem(data.item.id, "mine");
  await loadMine();
  $("flash").textContent = t("appeal_sent");  // after the reloads, whose calls clear the flash
}

function figureTable(title, head, rows) {
  const box = el("div");
  box.append(el("h4", title));
  const table = el("table");
  table.append(row(head, true));
  rows.forEach((r) => table.append(row(r)));
  box.append(table);
  return box;
}

async function loadReport() {
  const q = $("week-date").value ? "?date=" + $("week-date").value : "";
  const w = await api("GET", "/qa/report" + q);
  const pct = (v) => (v == null ? "—" : (v * 100).toFixed(1) + "%");
  const box = $("report-box");
  box.replaceChildren(el("h3", w.week.label));
  if (w.empty) box.append(el("p", t("empty_week"), "sys"));
  box.append(figureTable(t("tab.report"), [t("reviews"), t("average"), t("pass_rate")], [[w.reviews, w.average == null ? "—" : w.average, pct(w.pass_rate)]]));
  box.append(figureTable(t("by_agent"), [t("agent"), t("reviews"), t("average"), t("failed")], w.agents.map((a) => [a.agent, a.reviews, a.average, a.failed])));
  box.append(figureTable(t("by_group"), [t("group"), t("reviews"), t("average"), t("failed")], w.groups.map((g) => [t("group." + g.skill_group), g.reviews, g.average, g.failed])));
  box.append(figureTable(t("item_failures"), [t("item"), t("failures")], w.item_failures.map((f) => [label(f), f.failures])));
  box.append(figureTable(t("check_hits"), [t("reasons"), t("conversation")], Object.entries(w.checks.hits).map(([k, v]) => [t("check." + k), v])));
  box.append(figureTable(t("appeals"), [t("filed"), t("appeal.pending"), t("appeal.upheld"), t("appeal.rejected")], [[w.appeals.filed, w.appeals.pending, w.appeals.upheld, w.appeals.rejected]]));
  const r = w.rectification;
  box.append(figureTable(t("rectification"), [t("created"), t("rect.done"), t("done_on_time"), t("overdue")], [[r.created, r.done, `${r.done_on_time} (${pct(r.on_time_rate)})`, r.overdue]]));
}

const SETTINGS_NUMBERS = ["sample_rate", "pass_threshold", "reply_gap_s", "rectify_working_days"];

function rubricRow(item) {
  const cells = ["key", "zh", "en", "weight", "max_points"].map((field) => {
    const input = el("input"); input.dataset.field = field; input.value = item[field] == null ? "" : item[field];
    if (field === "weight" || field === "max_points") input.type = "number";
    return input;
  });
  const tr = row([...cells, button("×", () => tr.remove())]);
  tr.className = "rubric-row";
  return tr;
}

async function loadSetup() {
  const rubric = await api("GET", "/qa/rubric");
  const table = $("rubric-edit");
  table.replaceChildren(row([t("item_key"), t("label_zh"), t("label_en"), t("weight"), t("max"), ""], true));
  rubric.items.forEach((item) => table.append(rubricRow(item)));
  const s = await api("GET", "/qa/settings");
  SETTINGS_NUMBERS.forEach((k) => { $("s-" + k).value = k === "sample_rate" ? Math.round(s[k] * 100) : s[k]; });
  $("s-forbidden_phrases").value = s.forbidden_phrases.join("\n");
  $("s-greetings").value = s.greetings.join("\n");
}

async function saveRubric() {
  const items = [...document.querySelectorAll("#rubric-edit .rubric-row")].map((tr) => {
    const item = {};
    tr.querySelectorAll("input").forEach((i) => { item[i.dataset.field] = ["weight", "max_points"].includes(i.dataset.field) ? Number(i.value) : i.value.trim(); });
    return item;
  });
  const saved = await api("PUT", "/qa/rubric", {items});
  $("flash").textContent = t("saved") + " v" + saved.version;
}

async function saveSettings() {
  const body = {};
  SETTINGS_NUMBERS.forEach((k) => { body[k] = Number($("s-" + k).value) / (k === "sample_rate" ? 100 : 1); });
  ["forbidden_phrases", "greetings"].forEach((k) => { body[k] = $("s-" + k).value.split("\n").map((v) => v.trim()).filter(Boolean); });
  await api("PUT", "/qa/settings", body);
  $("flash").textContent = t("saved");
}

const LOADERS = {queue: loadQueue, appeals: loadAppeals, mine: loadMine, rect: loadRect, report: loadReport, setup: loadSetup};

function tabsFor() {
  const show = {queue: has("qa", "team_lead", "supervisor"), appeals: has("team_lead", "supervisor"),
    mine: has("agent", "team_lead"), rect: true, report: has("qa", "team_lead", "supervisor"),
    setup: has("qa", "supervisor")};
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("hidden", !show[b.dataset.tab]));
  return Object.keys(show).filter((k) => show[k]);
}

async function showTab(name) {
  document.querySelectorAll(".pane").forEach((p) => p.classList.toggle("hidden", p.id !== "pane-" + name));
  $("detail").classList.add("hidden"); $("scoring").classList.add("hidden");
  document.querySelector("main").classList.toggle("wide", ["report", "rect", "setup"].includes(name));
  await LOADERS[name]();
}

function logout() {
  if (token) fetch("/api/v1/auth/logout", {method: "POST", headers: {Authorization: "Bearer " + token}}).catch(() => {});
  sessionStorage.removeItem("kefu.token"); sessionStorage.removeItem("kefu.qa.me"); token = ""; me = null;
  $("app").classList.add("hidden"); $("login").classList.remove("hidden");
}

async function start() {
  $("login").classList.add("hidden"); $("app").classList.remove("hidden");
  $("me").textContent = me.username + " · " + me.roles.map((r) => t("role." + r)).join("/");
  await showTab(tabsFor()[0]);
}

$("login-btn").onclick = async () => {
  const res = await fetch("/api/v1/auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: $("login-user").value, password: $("login-pass").value})});
  const data = await res.json();
  if (!res.ok) { $("login-error").textContent = data.error ? data.error.message : t("error"); return; }
  token = data.token; me = {username: data.account.username, roles: data.account.roles};
  sessionStorage.setItem("kefu.token", token); sessionStorage.setItem("kefu.qa.me", JSON.stringify(me));
  await start();
};
document.querySelectorAll("#tabs button").forEach((b) => { b.onclick = () => showTab(b.dataset.tab).catch(() => {}); });
$("f-apply").onclick = () => loadQueue().catch(() => {});
$("week-btn").onclick = () => loadReport().catch(() => {});
$("score-btn").onclick = () => submitScore().catch(() => {});
$("uphold-btn").onclick = () => decide("upheld").catch(() => {});
$("reject-btn").onclick = () => decide("rejected").catch(() => {});
$("appeal-btn").onclick = () => sendAppeal().catch(() => {});
$("logout-btn").onclick = logout;
$("rubric-add").onclick = () => $("rubric-edit").append(rubricRow({key: "", zh: "", en: "", weight: 0, max_points: 10}));
$("rubric-save").onclick = () => saveRubric().catch(() => {});
$("settings-save").onclick = () => saveSettings().catch(() => {});
$("lang-select").onchange = () => { lang = $("lang-select").value; localStorage.setItem("kefu.lang", lang); applyLang(); if (me) start().catch(() => {}); };
applyLang();
if (token && me) start().catch(() => logout());
