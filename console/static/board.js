// The live board of team leads and supervisors. Customer text only ever set with textContent.
"use strict";
const CATALOGUE = JSON.parse(document.getElementById("catalogue").textContent);
let lang = localStorage.getItem("kefu.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
if (!CATALOGUE[lang]) lang = "zh";
let token = sessionStorage.getItem("kefu.token") || "";
let ws = null, listening = null, alertCount = 0, lastBoard = null;
const $ = (id) => document.getElementById(id);
const t = (key) => (CATALOGUE[lang] && CATALOGUE[lang][key]) || key;
const label = (kind, code) => (code ? t(kind + "." + code) : "");

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function duration(s) {
  if (s === null || s === undefined) return "–";
  return s < 120 ? Math.round(s) + t("seconds") : Math.round(s / 60) + t("minutes");
}

function applyLang() {
  document.documentElement.lang = lang === "en" ? "en" : (lang === "zh" ? "zh-CN" : "zh-Hant");
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-ph]").forEach((n) => { n.placeholder = t(n.dataset.i18nPh); });
  $("lang-select").value = lang;
  if (lastBoard) render(lastBoard);
}

async function api(method, path, body) {
  const res = await fetch("/api/v1" + path, {
    method, headers: {"Content-Type": "application/json", Authorization: "Bearer " + token},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) { sessionStorage.removeItem("kefu.token"); token = ""; showLogin(); }
  if (!res.ok) {
    const msg = res.status === 403 && path === "/board" ? t("not_lead")
      : (data.error && data.error.message) || String(res.status);
    $("flash").textContent = msg;
    throw new Error(msg);
  }
  $("flash").textContent = "";
  return data;
}

function showLogin() { $("app").classList.add("hidden"); $("login").classList.remove("hidden"); }

async function login() {
  const res = await fetch("/api/v1/auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: $("login-user").value, password: $("login-pass").value})});
  const data = await res.json();
  if (!res.ok) { $("login-error").textContent = data.error ? data.error.message : "error"; return; }
  token = data.token; sessionStorage.setItem("kefu.token", token);
  await start();
}

let roles = [], groupCodes = [], me = "";
const ROLES = ["agent", "team_lead", "supervisor", "editor", "admin", "qa"];

async function start() {
  $("login").classList.add("hidden"); $("app").classList.remove("hidden");
  applyLang();
  const board = await api("GET", "/board");
  groupCodes = board.groups.map((g) => g.skill_group);
  render(board);
  const account = await api("GET", "/agent/me");
  roles = account.roles || []; me = account.username;
  if (roles.includes("supervisor") || roles.includes("admin")) await showSwitches();
  if (roles.includes("admin")) await showAccounts();
  await refreshQueue();
  connect();
  setInterval(refreshQueue, 3000);
}

function connect() {
  ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/ws");
  ws.onopen = () => ws.send(JSON.stringify({type: "auth", token}));
  ws.onmessage = (m) => {
    const frame = JSON.parse(m.data);
    if (frame.type === "ready") ws.send(JSON.stringify({type: "board"}));
    else if (frame.type === "board") render(frame);
    else if (frame.type === "alert") alert_(frame);
    else if (frame.type === "event" && frame.conversation_id === listening) showEvent(frame.event);
    else if (frame.type === "error") $("flash").textContent = frame.message;
  };
  ws.onclose = () => { if (token) setTimeout(connect, 2000); };
}

function row(cells, attrs) {
  const tr = el("tr");
  for (const [k, v] of Object.entries(attrs || {})) tr.dataset[k] = v;
  for (const [cls, text] of cells) tr.append(el("td", text, cls));
  return tr;
}

function render(b) {
  lastBoard = b;
  $("big-sale").textContent = t("big_sale") + ": " + (b.big_sale ? t("on") : t("off"));
  const groups = $("groups").tBodies[0]; groups.replaceChildren();
  for (const g of b.groups) {
    groups.append(row([["g-name", label("group", g.skill_group)], ["g-waiting", g.waiting],
      ["g-longest", duration(g.longest_wait_s)], ["g-assigned", g.assigned],
      ["g-breaches" + (g.sla_breaches_now ? " err" : ""), g.sla_breaches_now],
      ["g-target", duration(g.sla_target_s)]], {group: g.skill_group}));
  }
  const agents = $("agents").tBodies[0]; agents.replaceChildren();
  for (const a of b.agents) {
    const status = label("status", a.status) + (a.away_reason ? " · " + label("reason", a.away_reason) : "");
    const tr = row([["a-name", a.name], ["a-status", status], ["a-load", a.load + "/" + a.capacity],
      ["a-in-status", duration(a.in_status_s)], ["a-today", a.chats_today],
      ["a-frt", duration(a.avg_first_response_s)]], {agent: a.username});
    const td = el("td", "", "a-chats");
    for (const id of a.chats || []) {
      const link = el("button", t("listen") + " " + id, "listen-btn");
      link.dataset.id = id; link.onclick = () => listen(id);
      td.append(link);
    }
    tr.append(td); agents.append(tr);
  }
  const breaches = $("breaches"); breaches.replaceChildren();
  for (const x of b.breaches) {
    breaches.append(el("li", [label("group", x.skill_group), x.conversation_id, (x.agent || ""),
      t("escalated_to") + " " + label("role", x.escalated_to), new Date(x.breached_at).toLocaleString()].join(" · "), "breach"));
  }
  if (!b.breaches.length) breaches.append(el("li", t("none"), "sys"));
  const overdue = $("overdue"); overdue.replaceChildren();
  for (const x of b.overdue_tickets) {
    overdue.append(el("li", "#" + x.id + " · " + label("group", x.skill_group) + " · " + t("due") + " "
      + new Date(x.due_at).toLocaleString(), "overdue-ticket"));
  }
  if (!b.overdue_tickets.length) overdue.append(el("li", t("none"), "sys"));
}

function beep() {
  try {
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    const osc = ctx.createOscillator(); osc.frequency.value = 880; osc.connect(ctx.destination);
    osc.start(); osc.stop(ctx.currentTime + 0.2);
  } catch (e) { /* no audio device: the badge still counts */ }
}

function alert_(a) {
  alertCount += 1; $("alert-badge").textContent = String(alertCount);
  const what = a.kind === "sla_breach"
    ? label("group", a.skill_group) + " · " + a.conversation_id + " · " + t("escalated_to") + " " + label("role", a.escalated_to)
    : "#" + a.id + " · " + label("group", a.skill_group);
  $("alerts").prepend(el("li", t("alert." + a.kind) + ": " + what, "alert " + a.kind));
  beep();
}

async function refreshQueue() {
  if (!token) return;
  const data = await api("GET", "/queue");
  const box = $("queue-list"); box.replaceChildren();
  for (const group of data.groups) {
    for (const item of group.waiting) {
      const c = item.customer || {};
      const line = el("div", "", "item queue-item"); line.dataset.id = item.conversation_id;
      line.append(el("span", label("group", group.skill_group) + " #" + item.position + " "
        + (c.display_name || item.conversation_id) + " · " + duration(item.waiting_s) + " "));
      const look = el("button", t("listen"), "listen-btn"); look.onclick = () => listen(item.conversation_id);
      const spam = el("button", t("spam"), "spam-btn");
      spam.onclick = async () => { await api("POST", "/queue/" + encodeURIComponent(item.conversation_id) + "/spam"); await refreshQueue(); };
      line.append(look, spam); box.append(line);
    }
  }
}

// A lead's line: the name the customer reads ("组长 王芳"); a join or leave: its line.
const byLang = (e, base, hant, en) => (lang === "en" && e[en]) || (lang === "zh-Hant" && e[hant]) || e[base];

function showEvent(e) {
  const box = $("listen-messages");
  if (e.type === "message") {
    const who = e.participant ? byLang(e, "agent_name", "agent_name_hant", "agent_name_en") + ": " : "";
    box.append(el("div", who + e.text, "msg " + (e.from || "system") + (e.participant ? " lead" : "")));
  } else if (e.type === "note") box.append(el("div", e.agent + ": " + e.text, "msg note"));
  else if (e.type === "participant_joined" || e.type === "participant_left") {
    box.append(el("div", byLang(e, "text_for_customer", "text_for_customer_hant", "text_for_customer_en"), "sys participant"));
  }
}

// 强插: joined or not, as the conversation says (a move of the chat ends it on the server)
function showJoined(conv) {
  const joined = (conv.participants || []).includes(me);
  const live = conv.owner === "agent" && conv.agent !== me;
  $("join-btn").classList.toggle("hidden", joined || !live);
  $("leave-btn").classList.toggle("hidden", !joined);
  $("lead-reply").classList.toggle("hidden", !joined);
  $("listen-note").dataset.i18n = joined ? "joined_note" : "read_only";
  $("listen-note").textContent = t($("listen-note").dataset.i18n);
}

async function listen(id) {
  const conv = await api("GET", "/conversations/" + encodeURIComponent(id));
  listening = id; $("listen").classList.remove("hidden"); $("listen-id").textContent = id;
  $("listen-messages").replaceChildren();
  for (const e of conv.events) showEvent(e);
  showJoined(conv);
  if (ws && ws.readyState === 1) ws.send(JSON.stringify({type: "watch", conversation_id: id, after: conv.seq}));
}

async function joinOrLeave(action) {
  if (!listening) return;
  await api("POST", "/conversations/" + encodeURIComponent(listening) + "/" + action);
  showJoined(await api("GET", "/conversations/" + encodeURIComponent(listening)));
}

async function leadSend() {
  const text = $("lead-text").value.trim();
  if (!text || !listening) return;
  await api("POST", "/conversations/" + encodeURIComponent(listening) + "/messages",
    {text, client_msg_id: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()});
  $("lead-text").value = "";
}

async function showSwitches() {
  $("switches").classList.remove("hidden");
  const outage = await api("GET", "/settings/outage");
  $("outage-on").checked = outage.on; $("outage-zh").value = outage.script_zh; $("outage-en").value = outage.script_en;
  $("big-sale-on").checked = !!(lastBoard && lastBoard.big_sale);
}

async function saveOutage() {
  const on = $("outage-on").checked;
  const body = on ? {on, script_zh: $("outage-zh").value, script_en: $("outage-en").value} : {on};
  await api("POST", "/settings/outage", body);
  $("switch-note").textContent = t("saved");
}

function checkboxes(box, codes, kind, chosen) {
  box.replaceChildren();
  for (const code of codes) {
    const lab = el("label"); const cb = el("input"); cb.type = "checkbox"; cb.value = code;
    cb.checked = chosen.includes(code); lab.append(cb, el("span", label(kind, code) + " "));
    box.append(lab);
  }
  return () => [...box.querySelectorAll("input:checked")].map((n) => n.value);
}

let newRoles = () => [], newGroups = () => [];
async function showAccounts() {
  $("accounts").classList.remove("hidden");
  const body = $("account-table").tBodies[0]; body.replaceChildren();
  for (const a of (await api("GET", "/agents")).agents) {
    const tr = el("tr"); tr.dataset.account = a.username;
    tr.append(el("td", a.display_name + " (" + a.username + ")"));
    const r = el("td", "", "acc-roles"), g = el("td", "", "acc-groups");
    const getRoles = checkboxes(r, ROLES, "role", a.roles), getGroups = checkboxes(g, groupCodes, "group", a.skill_groups);
    const cap = el("input", null, "acc-capacity"); cap.type = "number"; cap.min = 0; cap.max = 50; cap.value = a.capacity;
    const act = el("input", null, "acc-active"); act.type = "checkbox"; act.checked = a.active;
    const capTd = el("td"); capTd.append(cap); const actTd = el("td"); actTd.append(act);
    const save = el("button", t("save"), "acc-save");
    save.onclick = async () => {
      await api("PATCH", "/agents/" + encodeURIComponent(a.username),
        {roles: getRoles(), skill_groups: getGroups(), capacity: Number(cap.value), active: act.checked});
      $("flash").textContent = t("saved");
    };
    const saveTd = el("td"); saveTd.append(save);
    tr.append(r, g, capTd, actTd, saveTd); body.append(tr);
  }
  newRoles = checkboxes($("new-roles"), ROLES, "role", ["agent"]);
  newGroups = checkboxes($("new-groups"), groupCodes, "group", []);
}

$("login-btn").onclick = login;
$("join-btn").onclick = () => joinOrLeave("join");
$("leave-btn").onclick = () => joinOrLeave("leave");
$("lead-send").onclick = leadSend;
$("outage-save").onclick = saveOutage;
$("outage-on").onchange = saveOutage;
$("big-sale-on").onchange = async () => { await api("POST", "/settings/big-sale", {on: $("big-sale-on").checked}); };
$("new-btn").onclick = async () => {
  await api("POST", "/agents", {username: $("new-user").value, password: $("new-pass").value,
    display_name: $("new-name").value, roles: newRoles(), skill_groups: newGroups(),
    capacity: Number($("new-capacity").value)});
  await showAccounts();
};
$("lang-select").onchange = () => { lang = $("lang-select").value; localStorage.setItem("kefu.lang", lang); applyLang(); };
$("reassign-btn").onclick = async () => {
  if (!listening) return;
  await api("POST", "/conversations/" + encodeURIComponent(listening) + "/transfer",
    {to_agent: $("reassign-agent").value, reason: "lead_reassigned"});
};
applyLang();
if (token) start().catch(() => showLogin());
