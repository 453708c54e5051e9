// The agent console. Customer text is only ever set with textContent, never innerHTML.
"use strict";
// The texts in simplified, traditional (made by OpenCC on the server) and English
// (console/console_text.py), chosen by the staff member: kefu.lang, shared with the board.
const I18N = JSON.parse(document.getElementById("catalogue").textContent);
let lang = localStorage.getItem("kefu.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
if (!I18N[lang]) lang = "zh";
const zhOrEn = () => (lang === "en" ? "en" : "zh");  // canned replies and reasons: zh | en
let token = sessionStorage.getItem("kefu.token") || "";
let me = null, current = null, currentPacket = null, lastSeq = 0, ws = null;
let transferReasons = [];
// Typing: "on" at most every 2 s while the agent types, "off" after 3 s without a key or on
// send; the customer's "typing…" hides itself 5 s after its last refresh.
const TYPING_EVERY_MS = 2000, TYPING_IDLE_MS = 3000, TYPING_SHOWN_MS = 5000;
let typingConv = null, typingSentAt = 0, typingIdle = null, customerTypingHide = null;
const $ = (id) => document.getElementById(id);
const t = (key) => (I18N[lang] && I18N[lang][key]) || key;
// a code in words (an event type, a handoff reason); the code itself only when no text exists
function named(key, code) { const s = t(key); return s === key ? code : s; }
const reasonText = (code) => (code ? (typeof pt === "function" ? pt(code) : t(code)) : "");

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function applyLang() {
  document.documentElement.lang = lang === "en" ? "en" : (lang === "zh" ? "zh-CN" : "zh-Hant");
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-ph]").forEach((n) => { n.placeholder = t(n.dataset.i18nPh); });
  document.querySelectorAll(".lang-select").forEach((n) => { n.value = lang; });
  if (typeof renderPanelLang === "function") renderPanelLang();
  renderTransferReasons();
}

async function api(method, path, body) {
  const res = await fetch("/api/v1" + path, {
    method, headers: {"Content-Type": "application/json", Authorization: "Bearer " + token},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) { logout(); }
  if (!res.ok) {
    const msg = (data.error && (data.error.message + (data.error.agent ? " (" + data.error.agent + ")" : ""))) || res.status;
    $("flash").textContent = msg;
    throw new Error(msg);
  }
  $("flash").textContent = "";
  return data;
}

function logout() {
  // end the session on the server too (best effort; a 401 here just means it already ended)
  if (token) fetch("/api/v1/auth/logout", {method: "POST", headers: {Authorization: "Bearer " + token}}).catch(() => {});
  sessionStorage.removeItem("kefu.token"); token = ""; $("app").classList.add("hidden"); $("login").classList.remove("hidden"); }

async function login() {
  const res = await fetch("/api/v1/auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: $("login-user").value, password: $("login-pass").value})});
  const data = await res.json();
  if (!res.ok) { $("login-error").textContent = data.error ? data.error.message : "error"; return; }
  token = data.token; sessionStorage.setItem("kefu.token", token);
  await start();
}

async function start() {
  $("login").classList.add("hidden"); $("app").classList.remove("hidden");
  await loadCanned();
  transferReasons = (await api("GET", "/transfer-reasons")).reasons;
  renderTransferReasons();
  await refreshMe();
  await refreshQueue();
  connect();
  setInterval(refreshQueue, 3000);
}

async function refreshMe() {
  me = await api("GET", "/agent/me");
  $("me").textContent = me.name;
  $("status-select").value = me.status;
  $("away-reason").classList.toggle("hidden", me.status !== "away");
  const lead = (me.roles || []).some((r) => r === "team_lead" || r === "supervisor" || r === "admin");
  $("board-link").classList.toggle("hidden", !lead);
  $("scripts-link").classList.toggle("hidden", !lead);
  $("load").textContent = t("load") + ": " + me.load + "/" + me.capacity;
  const box = $("my-chats"); box.replaceChildren();
  for (const chat of me.chats) {
    const c = chat.customer || {};
    const item = el("div", (c.display_name || c.id || chat.conversation_id) + " · " + reasonText(chat.reason), "item my-chat");
    item.dataset.id = chat.conversation_id;
    item.onclick = () => openConversation(chat.conversation_id);
    box.append(item);
  }
}

async function refreshQueue() {
  if (!token) return;
  const data = await api("GET", "/queue");
  const box = $("queue-list"); box.replaceChildren();
  for (const group of data.groups) {
    box.append(el("div", group.skill_group + " (" + group.waiting.length + ", " + group.mode + ")", "sys"));
    for (const item of group.waiting) {
      const c = item.customer || {};
      const row = el("div", "", "item queue-item");
      row.dataset.id = item.conversation_id;
      row.append(el("span", "#" + item.position + " " + (c.display_name || c.id || item.conversation_id)));
      if (c.vip_level) row.append(el("span", " VIP" + c.vip_level, "vip"));
      row.append(el("div", t("reason") + ": " + reasonText(item.reason) + " · " + t("priority") + " " + item.priority
        + " · " + t("waiting") + " " + Math.round(item.waiting_s) + t("seconds"), "sys"));
      row.onclick = () => openConversation(item.conversation_id);
      box.append(row);
    }
  }
}

function renderPacket(p) {
  const dl = $("packet"); dl.replaceChildren();
  if (!p) return;
  const c = p.customer || {};
  const rows = [
    ["customer", (c.display_name || "") + " (" + (c.id || "") + ", " + (c.language || "") + ")"],
    ["vip", c.vip_level || 0], ["reason", reasonText(p.reason)], ["priority", p.priority],
    ["intents", (p.intents || []).map((i) => i.name + (i.confidence != null ? " " + Number(i.confidence).toFixed(2) : "")).join(", ")],
    ["order", (p.entities || {}).order_id || ""],
    ["faq", (p.faq_tried || []).map((f) => (f.question || f.id || JSON.stringify(f)) + (f.score != null ? " (" + f.score + ")" : "")).join("; ")],
    ["summary", p.summary],
  ];
  for (const [k, v] of rows) { dl.append(el("dt", t(k))); dl.append(el("dd", v, "packet-" + k)); }
  if (p.product) { dl.append(el("dt", t("product"))); dl.append(productLink(p.product)); }
  dl.append(el("dt", t("transcript")));
  const dd = el("dd");
  for (const turn of (p.transcript || []).slice(-10)) dd.append(el("div", turn.from + ": " + turn.text, "sys transcript-turn"));
  dl.append(dd);
}

// The product page the customer came from: its title as a link (http(s) only, a new tab that
// cannot reach back to the console), id and price as text.
function productLink(product) {
  const dd = el("dd", null, "packet-product");
  const url = String(product.url || "");
  const title = String(product.title || product.id || "");
  if (/^https?:\/\//i.test(url)) {
    const a = el("a", title);
    a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
    dd.append(a);
  } else {
    dd.append(el("span", title));
  }
  const more = [product.id, product.price].filter(Boolean).join(" · ");
  if (more) dd.append(el("span", " (" + more + ")", "sys"));
  return dd;
}

function wsSend(frame) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame)); }

function stopTyping() {
  clearTimeout(typingIdle);
  if (typingConv) { wsSend({type: "typing", conversation_id: typingConv, on: false}); typingConv = null; }
}

function onReplyInput() {
  if (!current || !$("reply-text").value.trim()) { stopTyping(); return; }
  if (typingConv !== current) stopTyping();
  const now = Date.now();
  if (typingConv !== current || now - typingSentAt >= TYPING_EVERY_MS) {
    typingConv = current; typingSentAt = now;
    wsSend({type: "typing", conversation_id: current, on: true});
  }
  clearTimeout(typingIdle);
  typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function showCustomerTyping(on) {
  clearTimeout(customerTypingHide);
  $("customer-typing").classList.toggle("hidden", !on);
  if (on) customerTypingHide = setTimeout(() => showCustomerTyping(false), TYPING_SHOWN_MS);
}

function addEvent(ev) {
  if (ev.seq <= lastSeq) return;
  lastSeq = ev.seq;
  const box = $("messages");
  if (ev.type === "message" && ev.from === "customer") showCustomerTyping(false);
  if (ev.type === "message") {
    const lead = ev.participant ? (lang === "en" ? ev.agent_name_en : ev.agent_name) + ": " : "";
    const node = el("div", lead + ev.text, "msg " + (ev.from || "system") + (ev.participant ? " lead" : ""));
    node.dataset.seq = ev.seq;
    box.append(node);
  } else if (ev.type === "participant_joined" || ev.type === "participant_left") {
    box.append(el("div", lang === "en" ? ev.text_for_customer_en : ev.text_for_customer, "sys participant"));
  } else if (ev.type === "note") {
    box.append(el("div", "[" + t("internal") + "] " + ev.agent + ": " + ev.text, "msg note"));
  } else {
    box.append(el("div", named("ev." + ev.type, ev.type) + (ev.agent ? " · " + ev.agent : "") + (ev.to_group ? " → " + t(ev.to_group) : "") + (ev.to_agent ? " → " + ev.to_agent : ""), "sys"));
  }
  box.scrollTop = box.scrollHeight;
}

async function openConversation(id) {
  const data = await api("GET", "/conversations/" + encodeURIComponent(id));
  if (current !== id) { stopTyping(); showCustomerTyping(false); }
  current = id; lastSeq = 0; currentPacket = data.packet;
  $("conv-empty").classList.add("hidden"); $("conv").classList.remove("hidden");
  $("conv-title").textContent = id + " · " + t("owner." + data.owner) + (data.agent ? " · " + data.agent : "");
  $("messages").replaceChildren();
  for (const ev of data.events) addEvent(ev);
  renderPacket(data.packet);
  loadCustomerPanel(id); loadSuggestions(id);
  $("accept-btn").classList.toggle("hidden", data.owner !== "queued");
  showJoin(data);
  if (ws && ws.readyState === 1) ws.send(JSON.stringify({type: "watch", conversation_id: id, after: lastSeq}));
}

// 强插: a lead (of the chat's group) or a supervisor joins another agent's live chat
function showJoin(conv) {
  const lead = me && (me.roles || []).some((r) => r === "team_lead" || r === "supervisor" || r === "admin");
  const joined = (conv.participants || []).includes(me && me.username);
  const other = conv.owner === "agent" && conv.agent !== (me && me.username);
  $("join-btn").classList.toggle("hidden", !(lead && other && !joined));
  $("leave-btn").classList.toggle("hidden", !joined);
  $("joined-note").classList.toggle("hidden", !joined);
}

async function joinOrLeave(action) {
  await api("POST", "/conversations/" + encodeURIComponent(current) + "/" + action);
  await openConversation(current);
}

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  ws = new WebSocket(proto + "//" + location.host + "/api/v1/ws");
  ws.onopen = () => ws.send(JSON.stringify({type: "auth", token}));
  ws.onmessage = (msg) => {
    const data = JSON.parse(msg.data);
    if (data.type === "ready" && current) ws.send(JSON.stringify({type: "watch", conversation_id: current, after: lastSeq}));
    if (data.type === "event" && data.conversation_id === current) addEvent(data.event);
    if (data.type === "typing" && data.conversation_id === current) showCustomerTyping(data.on);
    if (data.type === "chats_changed") refreshMe();
    if (data.type === "error") $("flash").textContent = data.message;
  };
  ws.onclose = () => { typingConv = null; showCustomerTyping(false); if (token) setTimeout(connect, 2000); };
}
setInterval(() => { if (ws && ws.readyState === 1) ws.send(JSON.stringify({type: "ping"})); }, 10000);

function renderTransferReasons() {
  const sel = $("transfer-reason"); if (!sel) return;
  const chosen = sel.value;
  sel.replaceChildren(...transferReasons.map((r) => {
    const o = el("option", r[zhOrEn()]); o.value = r.code; return o;
  }));
  if (chosen) sel.value = chosen;
}

async function send() {
  const text = $("reply-text").value.trim();
  if (!text || !current) return;
  stopTyping();
  await api("POST", "/conversations/" + encodeURIComponent(current) + "/messages", {text, client_msg_id: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()});
  $("reply-text").value = "";
}

document.addEventListener("DOMContentLoaded", () => {
  applyLang();
  document.querySelectorAll(".lang-select").forEach((b) => b.onchange = () => { lang = b.value; localStorage.setItem("kefu.lang", lang); applyLang(); });
  $("login-btn").onclick = login;
  $("login-pass").addEventListener("keydown", (e) => { if (e.key === "Enter") login(); });
  const setStatus = async () => {
    const status = $("status-select").value;
    await api("POST", "/agent/status", status === "away" ? {status, reason: $("away-reason").value} : {status});
    await refreshMe();
  };
  $("status-select").onchange = setStatus;
  $("away-reason").onchange = setStatus;
  $("accept-btn").onclick = async () => { await api("POST", "/conversations/" + encodeURIComponent(current) + "/accept"); await refreshMe(); await openConversation(current); };
  $("send-btn").onclick = send;
  $("join-btn").onclick = () => joinOrLeave("join");
  $("leave-btn").onclick = () => joinOrLeave("leave");
  $("reply-text").addEventListener("input", onReplyInput);
  $("reply-text").addEventListener("keydown", (e) => {
    if (pickerKey(e)) return;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
  });
  $("note-btn").onclick = async () => { const text = $("reply-text").value.trim(); if (!text) return; stopTyping(); await api("POST", "/conversations/" + encodeURIComponent(current) + "/notes", {text}); $("reply-text").value = ""; };
  $("transfer-btn").onclick = async () => {
    const to = $("transfer-agent").value.trim();
    const why = {reason: $("transfer-reason").value, note: $("transfer-note").value.trim()};
    await api("POST", "/conversations/" + encodeURIComponent(current) + "/transfer", to ? {to_agent: to, ...why} : {to_group: $("transfer-group").value, ...why});
    $("transfer-note").value = "";
    await refreshMe(); await openConversation(current);
  };
  $("close-btn").onclick = async () => { await api("POST", "/conversations/" + encodeURIComponent(current) + "/close", {resolution: $("resolution").value || "resolved", tags: []}); await refreshMe(); await openConversation(current); };
  $("handback-btn").onclick = async () => { await api("POST", "/conversations/" + encodeURIComponent(current) + "/handback"); await refreshMe(); await openConversation(current); };
  if (token) start().catch(logout);
});
