// The agent console. Customer text is only ever set with textContent, never innerHTML.
"use strict";
const I18N = {
  zh: {title: "客服工作台", username: "用户名", password: "密码", login: "登录", status: "状态",
    online: "在线", away: "离开", offline: "离线", my_chats: "我的会话", queue: "排队",
    pick: "请选择一个会话", accept: "接入", send: "发送", note: "内部备注", transfer: "转接",
    close: "结束会话", handback: "交还机器人", packet: "转接信息", reply_ph: "输入回复…",
    colleague: "同事账号", canned_hint: "快捷回复：Ctrl+/ 选择，Alt+1…9 插入",
    customer: "客户", vip: "VIP等级", reason: "转人工原因", intents: "意图", order: "订单号",
    faq: "机器人已试过的FAQ", summary: "摘要", transcript: "最近对话", waiting: "等待",
    priority: "优先级", seconds: "秒", load: "接待中", internal: "内部备注", lang: "English",
    customer_typing: "客户正在输入…"},
  en: {title: "Agent console", username: "Username", password: "Password", login: "Log in",
    status: "Status", online: "Online", away: "Away", offline: "Offline", my_chats: "My chats",
    queue: "Queue", pick: "Pick a conversation", accept: "Accept", send: "Send",
    note: "Internal note", transfer: "Transfer", close: "Close", handback: "Hand back to bot",
    packet: "Handoff packet", reply_ph: "Type a reply…", colleague: "colleague",
    canned_hint: "Canned replies: Ctrl+/ to pick, Alt+1…9 to insert", customer: "Customer",
    vip: "VIP level", reason: "Reason", intents: "Intents", order: "Order id",
    faq: "FAQs the bot tried", summary: "Summary", transcript: "Recent transcript",
    waiting: "waiting", priority: "priority", seconds: "s", load: "chats",
    internal: "internal note", lang: "中文", customer_typing: "Customer is typing…"},
};
let lang = localStorage.getItem("kefu.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
let token = sessionStorage.getItem("kefu.token") || "";
let me = null, current = null, currentPacket = null, lastSeq = 0, ws = null, canned = [];
// Typing: "on" at most every 2 s while the agent types, "off" after 3 s without a key or on
// send; the customer's "typing…" hides itself 5 s after its last refresh.
const TYPING_EVERY_MS = 2000, TYPING_IDLE_MS = 3000, TYPING_SHOWN_MS = 5000;
let typingConv = null, typingSentAt = 0, typingIdle = null, customerTypingHide = null;
const $ = (id) => document.getElementById(id);
const t = (key) => (I18N[lang] && I18N[lang][key]) || key;

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-ph]").forEach((n) => { n.placeholder = t(n.dataset.i18nPh); });
  document.querySelectorAll(".lang-toggle").forEach((n) => { n.textContent = t("lang"); });
  renderCanned();
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
  canned = (await api("GET", "/canned-replies")).scenarios;
  renderCanned();
  await refreshMe();
  await refreshQueue();
  connect();
  setInterval(refreshQueue, 3000);
}

async function refreshMe() {
  me = await api("GET", "/agent/me");
  $("me").textContent = me.name;
  $("status-select").value = me.status;
  $("load").textContent = t("load") + ": " + me.load + "/" + me.capacity;
  const box = $("my-chats"); box.replaceChildren();
  for (const chat of me.chats) {
    const c = chat.customer || {};
    const item = el("div", (c.display_name || c.id || chat.conversation_id) + " · " + (chat.reason || ""), "item my-chat");
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
      row.append(el("div", t("reason") + ": " + (item.reason || "") + " · " + t("priority") + " " + item.priority
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
    ["vip", c.vip_level || 0], ["reason", p.reason], ["priority", p.priority],
    ["intents", (p.intents || []).map((i) => i.name + (i.confidence != null ? " " + Number(i.confidence).toFixed(2) : "")).join(", ")],
    ["order", (p.entities || {}).order_id || ""],
    ["faq", (p.faq_tried || []).map((f) => (f.question || f.id || JSON.stringify(f)) + (f.score != null ? " (" + f.score + ")" : "")).join("; ")],
    ["summary", p.summary],
  ];
  for (const [k, v] of rows) { dl.append(el("dt", t(k))); dl.append(el("dd", v, "packet-" + k)); }
  dl.append(el("dt", t("transcript")));
  const dd = el("dd");
  for (const turn of (p.transcript || []).slice(-10)) dd.append(el("div", turn.from + ": " + turn.text, "sys transcript-turn"));
  dl.append(dd);
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
    const node = el("div", ev.text, "msg " + (ev.from || "system"));
    node.dataset.seq = ev.seq;
    box.append(node);
  } else if (ev.type === "note") {
    box.append(el("div", "[" + t("internal") + "] " + ev.agent + ": " + ev.text, "msg note"));
  } else {
    box.append(el("div", ev.type + (ev.agent ? " · " + ev.agent : "") + (ev.to_group ? " → " + ev.to_group : "") + (ev.to_agent ? " → " + ev.to_agent : ""), "sys"));
  }
  box.scrollTop = box.scrollHeight;
}

async function openConversation(id) {
  const data = await api("GET", "/conversations/" + encodeURIComponent(id));
  if (current !== id) { stopTyping(); showCustomerTyping(false); }
  current = id; lastSeq = 0; currentPacket = data.packet;
  $("conv-empty").classList.add("hidden"); $("conv").classList.remove("hidden");
  $("conv-title").textContent = id + " · " + data.owner + (data.agent ? " · " + data.agent : "");
  $("messages").replaceChildren();
  for (const ev of data.events) addEvent(ev);
  renderPacket(data.packet);
  $("accept-btn").classList.toggle("hidden", data.owner !== "queued");
  if (ws && ws.readyState === 1) ws.send(JSON.stringify({type: "watch", conversation_id: id, after: lastSeq}));
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

function personalise(text) {
  const c = (currentPacket && currentPacket.customer) || {};
  const e = (currentPacket && currentPacket.entities) || {};
  return text.replaceAll("{name}", c.display_name || "").replaceAll("{agent}", (me && me.name) || "")
    .replaceAll("{order_id}", e.order_id || "");
}

function renderCanned() {
  const sel = $("canned"); if (!sel) return;
  sel.replaceChildren(el("option", "— " + t("canned_hint") + " —"));
  canned.forEach((s) => {
    const group = document.createElement("optgroup");
    group.label = lang === "zh" ? s.title_zh : s.title_en;
    s.replies.forEach((r) => { const o = el("option", r[lang === "zh" ? "zh" : "en"]); o.value = r[lang === "zh" ? "zh" : "en"]; group.append(o); });
    sel.append(group);
  });
}

function insertCanned(text) { $("reply-text").value = personalise(text); $("reply-text").focus(); }

async function send() {
  const text = $("reply-text").value.trim();
  if (!text || !current) return;
  stopTyping();
  await api("POST", "/conversations/" + encodeURIComponent(current) + "/messages", {text, client_msg_id: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()});
  $("reply-text").value = "";
}

document.addEventListener("DOMContentLoaded", () => {
  applyLang();
  document.querySelectorAll(".lang-toggle").forEach((b) => b.onclick = () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("kefu.lang", lang); applyLang(); });
  $("login-btn").onclick = login;
  $("login-pass").addEventListener("keydown", (e) => { if (e.key === "Enter") login(); });
  $("status-select").onchange = async () => { await api("POST", "/agent/status", {status: $("status-select").value}); await refreshMe(); };
  $("accept-btn").onclick = async () => { await api("POST", "/conversations/" + encodeURIComponent(current) + "/accept"); await refreshMe(); await openConversation(current); };
  $("send-btn").onclick = send;
  $("reply-text").addEventListener("input", onReplyInput);
  $("reply-text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
    if (e.altKey && /^[1-9]$/.test(e.key)) {
      const all = canned.flatMap((s) => s.replies);
      const r = all[Number(e.key) - 1]; if (r) { e.preventDefault(); insertCanned(r[lang === "zh" ? "zh" : "en"]); }
    }
  });
  document.addEventListener("keydown", (e) => { if (e.ctrlKey && e.key === "/") { e.preventDefault(); $("canned").focus(); } });
  $("canned").onchange = () => { if ($("canned").selectedIndex > 0) insertCanned($("canned").value); $("canned").selectedIndex = 0; };
  $("note-btn").onclick = async () => { const text = $("reply-text").value.trim(); if (!text) return; stopTyping(); await api("POST", "/conversations/" + encodeURIComponent(current) + "/notes", {text}); $("reply-text").value = ""; };
  $("transfer-btn").onclick = async () => {
    const to = $("transfer-agent").value.trim();
    await api("POST", "/conversations/" + encodeURIComponent(current) + "/transfer", to ? {to_agent: to, reason: "needs_specialist"} : {to_group: $("transfer-group").value, reason: "needs_specialist"});
    await refreshMe(); await openConversation(current);
  };
  $("close-btn").onclick = async () => { await api("POST", "/conversations/" + encodeURIComponent(current) + "/close", {resolution: $("resolution").value || "resolved", tags: []}); await refreshMe(); await openConversation(current); };
  $("handback-btn").onclick = async () => { await api("POST", "/conversations/" + encodeURIComponent(current) + "/handback"); await refreshMe(); await openConversation(current); };
  if (token) start().catch(logout);
});
