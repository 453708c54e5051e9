// The scripts library (话术库): team leads edit their groups' canned replies, supervisors and
// admins every group's and the shared ones. Texts are only ever set with textContent.
"use strict";
const CATALOGUE = JSON.parse(document.getElementById("catalogue").textContent);
let lang = localStorage.getItem("kefu.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
if (!CATALOGUE[lang]) lang = "zh";
let token = sessionStorage.getItem("kefu.token") || "";
let data = null, editing = null, lastField = "f-text_zh";
const FIELDS = ["scenario_zh", "scenario_en", "title_zh", "title_en", "text_zh", "text_en"];
const $ = (id) => document.getElementById(id);
const t = (key) => (CATALOGUE[lang] && CATALOGUE[lang][key]) || key;
const groupName = (g) => (g ? t("group." + g) : t("shared"));

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function fmt(s, values) { return s.replace(/\{(\w+)\}/g, (_, k) => (k in values ? String(values[k]) : "{" + k + "}")); }

// what the API refused, in the page's language (codes never shown)
function explain(error) {
  if (error.code === "unknown_variable") {
    return fmt(t("err.unknown_variable"), {field: t(error.field) || error.field, variable: error.variable,
      allowed: (error.allowed || []).map((v) => "{" + v + "}").join(" ")});
  }
  return CATALOGUE[lang]["err." + error.code] || error.message;
}

async function api(method, path, body) {
  const res = await fetch("/api/v1" + path, {
    method, headers: {"Content-Type": "application/json", Authorization: "Bearer " + token},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = await res.json().catch(() => ({}));
  if (res.status === 401) { sessionStorage.removeItem("kefu.token"); token = ""; showLogin(); }
  if (!res.ok) {
    const error = out.error || {code: "", message: String(res.status)};
    const msg = res.status === 403 && path === "/scripts" && method === "GET" ? t("not_lead") : explain(error);
    throw new Error(msg);
  }
  return out;
}

function applyLang() {
  document.documentElement.lang = lang === "en" ? "en" : (lang === "zh" ? "zh-CN" : "zh-Hant");
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-ph]").forEach((n) => { n.placeholder = t(n.dataset.i18nPh); });
  $("lang-select").value = lang;
  if (data) render();
}

function showLogin() { $("app").classList.add("hidden"); $("login").classList.remove("hidden"); }

async function login() {
  const res = await fetch("/api/v1/auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: $("login-user").value, password: $("login-pass").value})});
  const out = await res.json();
  if (!res.ok) { $("login-error").textContent = out.error ? out.error.message : "error"; return; }
  token = out.token; sessionStorage.setItem("kefu.token", token);
  await start();
}

async function start() {
  $("login").classList.add("hidden"); $("app").classList.remove("hidden");
  applyLang();
  try { await reload(); } catch (e) { $("flash").textContent = e.message; }
}

async function reload() {
  data = await api("GET", "/scripts");
  render();
}

function render() {
  $("sets-on").textContent = data.sets_on.map((s) => t("set." + s)).join(" · ");
  const group = $("f-group"); const chosen = group.value; group.replaceChildren();
  for (const g of data.editable_groups) { const o = el("option", groupName(g)); o.value = g; group.append(o); }
  if (chosen) group.value = chosen;
  $("new-btn").classList.toggle("hidden", !data.editable_groups.length);
  const vars = $("variables"); vars.replaceChildren();
  for (const v of data.variables) {
    const chip = el("button", "{" + v + "} " + t("var." + v), "var-chip"); chip.type = "button"; chip.dataset.var = v;
    chip.onclick = () => insertVariable(v); vars.append(chip);
  }
  const set = $("filter-set").value, words = $("filter-text").value.toLowerCase().split(/\s+/).filter(Boolean);
  const body = $("scripts").tBodies[0]; body.replaceChildren();
  for (const s of data.scripts) {
    const hay = [s.title_zh, s.title_en, s.text_zh, s.text_en, s.scenario_zh, s.scenario_en].join(" ").toLowerCase();
    if ((set && s.script_set !== set) || !words.every((w) => hay.includes(w))) continue;
    const en = lang === "en", hant = lang === "zh-Hant";
    const tr = el("tr", "", "script"); tr.dataset.id = s.id;
    tr.append(el("td", t("set." + s.script_set), "s-set"), el("td", groupName(s.skill_group), "s-group"),
      el("td", en ? s.scenario_en : hant ? s.scenario_hant : s.scenario_zh, "s-scenario"),
      el("td", en ? s.title_en : hant ? s.title_hant : s.title_zh, "s-title"),
      el("td", hant ? s.text_hant : s.text_zh, "s-text-zh"), el("td", s.text_en, "s-text-en"));
    const actions = el("td");
    if (s.editable) {
      const edit = el("button", t("edit"), "edit-btn"); edit.onclick = () => openEditor(s);
      const del = el("button", t("delete"), "delete-btn"); del.onclick = () => remove(s);
      actions.append(edit, del);
    } else actions.append(el("span", t("read_only"), "sys"));
    tr.append(actions); body.append(tr);
  }
}

function openEditor(s) {
  editing = s ? s.id : null;
  $("editor").classList.remove("hidden"); $("form-error").textContent = "";
  $("editor-title").dataset.i18n = s ? "edit" : "new"; $("editor-title").textContent = t(s ? "edit" : "new");
  $("f-set").value = s ? s.script_set : ($("filter-set").value || "normal");
  $("f-group").value = s ? s.skill_group : data.editable_groups[0];
  $("f-position").value = s ? s.position : 0;
  for (const f of FIELDS) $("f-" + f).value = s ? s[f] : "";
  $("f-scenario_zh").focus();
}

function insertVariable(v) {
  const box = $(lastField), at = box.selectionStart ?? box.value.length;
  box.value = box.value.slice(0, at) + "{" + v + "}" + box.value.slice(box.selectionEnd ?? at);
  box.focus();
}

async function save() {
  const body = {script_set: $("f-set").value, skill_group: $("f-group").value, position: Number($("f-position").value) || 0};
  for (const f of FIELDS) body[f] = $("f-" + f).value;
  try {
    if (editing) await api("PUT", "/scripts/" + editing, body);
    else await api("POST", "/scripts", body);
  } catch (e) { $("form-error").textContent = e.message; return; }
  $("editor").classList.add("hidden"); $("flash").textContent = t("saved");
  await reload();
}

async function remove(s) {
  if (!window.confirm(t("confirm_delete"))) return;
  try { await api("DELETE", "/scripts/" + s.id); } catch (e) { $("flash").textContent = e.message; return; }
  $("flash").textContent = t("deleted");
  await reload();
}

// the CSV needs the bearer token, so it is fetched and handed to the browser as a file
async function exportCsv() {
  const res = await fetch("/api/v1/scripts/export", {headers: {Authorization: "Bearer " + token}});
  if (!res.ok) { $("flash").textContent = String(res.status); return; }
  const link = el("a"); link.href = URL.createObjectURL(await res.blob()); link.download = "kefu-scripts.csv";
  document.body.append(link); link.click(); link.remove();
}

$("login-btn").onclick = login;
$("export-btn").onclick = exportCsv;
$("new-btn").onclick = () => openEditor(null);
$("save-btn").onclick = save;
$("cancel-btn").onclick = () => $("editor").classList.add("hidden");
$("filter-set").onchange = render;
$("filter-text").oninput = render;
$("f-text_zh").onfocus = () => { lastField = "f-text_zh"; };
$("f-text_en").onfocus = () => { lastField = "f-text_en"; };
$("lang-select").onchange = () => { lang = $("lang-select").value; localStorage.setItem("kefu.lang", lang); applyLang(); };
applyLang();
if (token) start().catch(() => showLogin());
