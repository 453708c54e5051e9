// The ticket page of the staff console. Customer text is only ever set with textContent.
"use strict";
const I18N = {
  zh: {title: "工单", username: "用户名", password: "密码", login: "登录", back: "返回工作台",
    mine: "我的", overdue: "已超时", filter: "筛选", new_ticket: "手动建工单（电话投诉等）",
    request_ph: "客户的诉求…", create: "创建", pick: "请选择一个工单", log: "进展与备注",
    reply_ph: "回复客户的进展，或内部备注…", reply: "回复客户", note: "内部备注",
    change_state: "更改状态", packet: "转接信息", transcript: "最近对话", lang: "English",
    any_state: "未完成", all_states: "全部状态", any_type: "全部类型", any_group: "我能看的组",
    type: "类型", state: "状态", assignee: "负责人", group: "技能组", due: "截止时间",
    priority: "优先级", paused: "等待客户，计时暂停", nobody: "未分配", customer: "客户",
    summary: "摘要", reason: "转人工原因", escalated: "已升级", to_role: "升级给",
    kinds: {note: "内部备注", progress: "回复客户", customer: "客户补充", state: "状态变更",
      escalation: "超时升级", notice: "通知"},
    states: {new: "新建", assigned: "已分配", in_progress: "处理中", waiting_customer: "等待客户",
      resolved: "已解决", closed: "已关闭", reopened: "已重开"},
    types: {complaint: "投诉", after_sales: "售后", invoice: "发票", left_message: "留言", other: "其他"},
    groups: {presale: "售前", aftersales: "售后", logistics: "物流", complaints: "投诉"},
    roles: {team_lead: "组长", supervisor: "主管"},
    authors: {system: "系统", customer: "客户"},
    reasons: {explicit_request: "客户要求人工", repeated_fallback: "机器人多次未理解",
      low_confidence: "机器人没把握", negative_sentiment: "客户情绪不满", complaint: "投诉",
      vip: "VIP客户", flow_needs_human: "流程需人工处理"},
    priorities: {low: "低", normal: "普通", high: "高", urgent: "紧急"},
    followups: "待回访", tickets: "工单", followup_call: "回访", no_followups: "没有待回访的工单",
    followup_ph: "回访记录（客户怎么说）…", out_satisfied: "满意", out_not_satisfied: "不满意（重开工单）",
    out_not_reached: "未联系上", followup_due: "回访截止", late: "已逾期", followup_done: "回访已记录"},
  en: {title: "Tickets", username: "Username", password: "Password", login: "Log in",
    back: "Back to console", mine: "Mine", overdue: "Overdue", filter: "Filter",
    new_ticket: "Open a ticket by hand (phone complaint…)", request_ph: "What the customer wants…",
    create: "Create", pick: "Pick a ticket", log: "Progress and notes",
    reply_ph: "A progress reply to the customer, or an internal note…", reply: "Reply to customer",
    note: "Internal note", change_state: "Change state", packet: "Handoff packet",
    transcript: "Recent transcript", lang: "中文", any_state: "Open", all_states: "All states",
    any_type: "All types", any_group: "My groups", type: "Type", state: "State",
    assignee: "Assignee", group: "Group", due: "Due", priority: "Priority",
    paused: "waiting for the customer, clock paused", nobody: "unassigned", customer: "Customer",
    summary: "Summary", reason: "Handoff reason", escalated: "Escalated", to_role: "escalated to",
    kinds: {note: "Internal note", progress: "Reply to customer", customer: "Customer added",
      state: "State change", escalation: "Overdue escalation", notice: "Notice"},
    states: {new: "New", assigned: "Assigned", in_progress: "In progress",
      waiting_customer: "Waiting for customer", resolved: "Resolved", closed: "Closed",
      reopened: "Reopened"},
    types: {complaint: "Complaint", after_sales: "After-sales", invoice: "Invoice",
      left_message: "Left message", other: "Other"},
    groups: {presale: "Pre-sales", aftersales: "After-sales", logistics: "Logistics",
      complaints: "Complaints"},
    roles: {team_lead: "team lead", supervisor: "supervisor"},
    authors: {system: "system", customer: "customer"},
    reasons: {explicit_request: "asked for a person", repeated_fallback: "bot missed repeatedly",
      low_confidence: "bot unsure", negative_sentiment: "unhappy customer", complaint: "complaint",
      vip: "VIP customer", flow_needs_human: "flow needs a person"},
    priorities: {low: "Low", normal: "Normal", high: "High", urgent: "Urgent"},
    followups: "Follow-up calls due", tickets: "Tickets", followup_call: "Follow-up call",
    no_followups: "No follow-up call is due", followup_ph: "What the customer said…",
    out_satisfied: "Satisfied", out_not_satisfied: "Not satisfied (reopen the ticket)",
    out_not_reached: "Not reached", followup_due: "Call by", late: "overdue",
    followup_done: "Follow-up recorded"},
};
const STATES = ["new", "assigned", "in_progress", "waiting_customer", "resolved", "closed", "reopened"];
const TYPES = ["complaint", "after_sales", "invoice", "left_message", "other"];
const GROUPS = ["presale", "aftersales", "logistics", "complaints"];
let lang = localStorage.getItem("kefu.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
let token = sessionStorage.getItem("kefu.token") || "";
let current = null;
let followups = new Map();  // ticket id -> its pending follow-up call (回访)
const $ = (id) => document.getElementById(id);
if (!I18N[lang]) lang = "zh";  // zh-Hant (chosen on the console or board): simplified here
const t = (key) => (I18N[lang] && I18N[lang][key]) || key;
const label = (table, code) => (I18N[lang][table] && I18N[lang][table][code]) || code || "";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function when(iso) {
  if (!iso) return "";
  const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(iso) ? iso : iso + "Z");
  return d.toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", {hour12: false});
}

function options(select, table, codes, first) {
  const keep = select.value;
  select.replaceChildren();
  if (first) { const o = el("option", t(first)); o.value = ""; select.append(o); }
  codes.forEach((c) => { const o = el("option", label(table, c)); o.value = c; select.append(o); });
  select.value = keep;
}

function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-ph]").forEach((n) => { n.placeholder = t(n.dataset.i18nPh); });
  document.querySelectorAll(".lang-toggle").forEach((n) => { n.textContent = t("lang"); });
  options($("f-status"), "states", STATES, "any_state");
  options($("f-type"), "types", TYPES, "any_type");
  options($("f-group"), "groups", GROUPS, "any_group");
  options($("n-type"), "types", TYPES);
  options($("n-group"), "groups", GROUPS);
  options($("t-state"), "states", STATES);
}

async function api(method, path, body) {
  const res = await fetch("/api/v1" + path, {
    method, headers: {"Content-Type": "application/json", Authorization: "Bearer " + token},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) { showLogin(); }
  if (!res.ok) {
    $("flash").textContent = (data.error && data.error.message) || String(res.status);
    throw new Error($("flash").textContent);
  }
  $("flash").textContent = "";
  return data;
}

function showLogin() {
  sessionStorage.removeItem("kefu.token"); token = "";
  $("app").classList.add("hidden"); $("login").classList.remove("hidden");
}

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
  const me = await api("GET", "/agent/me");
  $("me").textContent = me.username || "";
  await loadFollowups();
  await loadList();
}

// 回访: the calls to make after a complaint or after-sales ticket was resolved, by due time.
async function loadFollowups() {
  const data = await api("GET", "/ticket-followups");
  followups = new Map(data.followups.map((f) => [f.ticket_id, f]));
  const list = $("followup-list");
  list.replaceChildren();
  if (!data.followups.length) list.append(el("div", t("no_followups"), "sys"));
  data.followups.forEach((f) => {
    const item = el("div", null, "item followup-item");
    item.dataset.ticket = f.ticket_id;
    const late = f.due_at && new Date(f.due_at) < new Date();
    item.append(el("b", "#" + f.ticket_id + " " + label("groups", f.skill_group)));
    item.append(el("span", " · " + t("followup_due") + " " + when(f.due_at)));
    if (late) item.append(el("span", " · " + t("late"), "err"));
    item.onclick = () => openTicket(f.ticket_id);
    list.append(item);
  });
}

function showFollowup() {
  const task = current && followups.get(current.id);
  $("t-followup").classList.toggle("hidden", !task);
  if (task) $("t-followup-due").textContent = t("followup_due") + " " + when(task.due_at);
}

async function recordFollowup(outcome) {
  if (!current) return;
  await api("POST", "/tickets/" + current.id + "/followup", {outcome, note: $("t-followup-note").value.trim()});
  $("t-followup-note").value = "";
  await loadFollowups();
  await openTicket(current.id);
  await loadList();
  $("flash").textContent = t("followup_done");
}

async function loadList() {
  const q = new URLSearchParams();
  q.set("status", $("f-status").value || "open");
  if ($("f-mine").checked) q.set("mine", "1");
  if ($("f-overdue").checked) q.set("overdue", "1");
  if ($("f-type").value) q.set("type", $("f-type").value);
  if ($("f-group").value) q.set("group", $("f-group").value);
  const data = await api("GET", "/tickets?" + q.toString());
  const list = $("ticket-list");
  list.replaceChildren();
  data.tickets.forEach((tk) => {
    const item = el("div", null, "item ticket-item");
    item.dataset.id = tk.id;
    item.append(el("b", "#" + tk.id + " " + label("types", tk.type)), el("span", " · " + label("states", tk.status)));
    item.append(el("div", tk.text.slice(0, 60), "sys"));
    item.append(el("div", t("due") + " " + when(tk.due_at) + (tk.escalation_level ? " · " + t("escalated") : ""), "sys"));
    item.onclick = () => openTicket(tk.id);
    list.append(item);
  });
}

function fact(dl, key, value) { dl.append(el("dt", t(key)), el("dd", value)); }

async function openTicket(id) {
  const tk = await api("GET", "/tickets/" + id);
  current = tk;
  $("t-empty").classList.add("hidden"); $("t").classList.remove("hidden");
  $("t-title").textContent = "#" + tk.id + " " + label("types", tk.type);
  const facts = $("t-facts"); facts.replaceChildren();
  fact(facts, "state", label("states", tk.status));
  fact(facts, "assignee", tk.assignee || t("nobody"));
  fact(facts, "group", label("groups", tk.skill_group));
  fact(facts, "priority", label("priorities", tk.priority));
  fact(facts, "due", tk.clock_paused ? t("paused") : when(tk.due_at));
  fact(facts, "summary", tk.text);
  $("t-state").value = tk.status;
  showFollowup();
  const log = $("t-log"); log.replaceChildren();
  tk.log.forEach((e) => {
    const cls = e.kind === "note" || e.kind === "escalation" ? "msg note" : e.kind === "customer" ? "msg customer" : "msg agent";
    const box = el("div", null, cls + " log-" + e.kind);
    let line = label("kinds", e.kind) + " · " + label("authors", e.author) + " · " + when(e.created_at);
    if (e.kind === "state" && e.data) line += " · " + label("states", e.data.from) + " → " + label("states", e.data.to);
    if (e.kind === "escalation" && e.data) line += " · " + t("to_role") + " " + label("roles", e.data.to_role);
    box.append(el("div", line, "sys"));
    if (e.text) box.append(el("div", e.text, "log-text"));
    log.append(box);
  });
  const packet = $("t-packet"); packet.replaceChildren();
  const p = tk.packet || {};
  if (p.customer) fact(packet, "customer", (p.customer.display_name || "") + " (" + (p.customer.id || "") + ")");
  if (p.reason) fact(packet, "reason", label("reasons", p.reason));
  if (p.summary) fact(packet, "summary", p.summary);
  const tr = $("t-transcript"); tr.replaceChildren();
  (p.transcript || []).forEach((turn) => { tr.append(el("div", turn.text || "", "msg " + (turn.from === "customer" ? "customer" : "bot"))); });
}

async function post(kind) {
  const text = $("t-text").value.trim();
  if (!text || !current) return;
  await api("POST", "/tickets/" + current.id + "/" + kind, {text});
  $("t-text").value = "";
  await openTicket(current.id);
}

async function move() {
  if (!current) return;
  await api("POST", "/tickets/" + current.id + "/state", {state: $("t-state").value, version: current.version});
  await openTicket(current.id);
  await loadList();
}

async function create() {
  const text = $("n-text").value.trim();
  if (!text) return;
  const tk = await api("POST", "/tickets", {type: $("n-type").value, skill_group: $("n-group").value, text});
  $("n-text").value = "";
  await loadList();
  await openTicket(tk.id);
}

$("login-btn").onclick = login;
$("f-apply").onclick = loadList;
$("t-reply").onclick = () => post("progress");
$("t-note").onclick = () => post("notes");
$("t-move").onclick = move;
$("n-create").onclick = create;
document.querySelectorAll(".followup-btn").forEach((b) => { b.onclick = () => recordFollowup(b.dataset.outcome).catch(() => {}); });
document.querySelectorAll(".lang-toggle").forEach((n) => { n.onclick = () => {
  lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("kefu.lang", lang); applyLang();
  if (current) openTicket(current.id).catch(() => {});
  if (token) loadFollowups().then(loadList).catch(() => {});
}; });
applyLang();
if (token) start().catch(showLogin);
