// Knowledge-base editor (plain JS, no build step). Every customer or FAQ text is inserted with
// textContent, never as HTML.
"use strict";

const T = {
  zh: {title: "知识库编辑", logout: "退出", username: "用户名", password: "密码", login: "登录",
       faqs: "问答列表", filter: "筛选", filter_ph: "按问题或答案筛选", new: "新建", edit: "编辑",
       language: "语言", category: "分类", question: "标准问题", similar: "相似问法（每行一个）",
       answer: "答案", save: "保存草稿", archive: "归档", preview: "预览：机器人会怎么回答",
       preview_ph: "输入顾客的问题……", ask: "试一试", publish_h: "发布", note_ph: "版本说明（可选）",
       publish: "发布新版本", history: "历史版本", unanswered: "未解决的问题", refresh: "刷新",
       saved: "已保存为草稿", archived: "已归档", published: "已发布版本", rolled: "已回滚，新版本",
       serving: "正在服务的版本", rollback: "回滚到此版本", diff: "与上一版比较",
       answer_d: "直接回答", likely_d: "作为可能的答案回答（注明对应问题，附转人工）", choose_d: "请顾客选择", not_found_d: "未找到答案（转人工或记录）",
       req_answer_d: "识别为办理请求时：同样直接回答（一般性问题）",
       req_flow_d: "识别为办理请求时：进入订单流程（顾客自己的订单）",
       times: "次", confirm_rollback: "确定回滚到版本", login_failed: "登录失败",
       added: "新增", removed: "删除", changed: "修改", none: "（无）", use: "新建问答",
       err_not_ready: "知识库索引正在建立，请稍后再试"},
  en: {title: "Knowledge base editor", logout: "Log out", username: "Username", password: "Password",
       login: "Log in", faqs: "FAQs", filter: "Filter", filter_ph: "Filter by question or answer",
       new: "New", edit: "Edit", language: "Language", category: "Category", question: "Question",
       similar: "Similar questions (one per line)", answer: "Answer", save: "Save draft",
       archive: "Archive", preview: "Preview: what would the bot answer", preview_ph: "Type a customer question…",
       ask: "Try it", publish_h: "Publish", note_ph: "Version note (optional)", publish: "Publish new version",
       history: "History", unanswered: "Unanswered questions", refresh: "Refresh", saved: "Saved as draft",
       archived: "Archived", published: "Published version", rolled: "Rolled back; new version",
       serving: "Serving version", rollback: "Roll back to this", diff: "Diff with previous",
       answer_d: "Answers directly", likely_d: "Answers as a likely answer (names the question, offers an agent)",
       choose_d: "Asks the customer to choose",
       req_answer_d: "Read as a request: still answers (a general question)",
       req_flow_d: "Read as a request: starts the order flow (the customer's own case)",
       not_found_d: "No answer found (hand off or log)", times: "×", confirm_rollback: "Roll back to version",
       login_failed: "Login failed", added: "added", removed: "removed", changed: "changed", none: "(none)",
       use: "Create FAQ",
       err_not_ready: "The knowledge base index is still being built; please try again shortly."},
};
let lang = localStorage.getItem("kefu.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
let token = sessionStorage.getItem("kefu.token") || "";
let editing = null; // id of the FAQ in the form, or null for a new one
const $ = (id) => document.getElementById(id);
const t = (key) => (T[lang] && T[lang][key]) || T.en[key] || key;

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((n) => { n.textContent = t(n.dataset.t); });
  document.querySelectorAll("[data-tp]").forEach((n) => { n.placeholder = t(n.dataset.tp); });
  $("lang-toggle").textContent = lang === "zh" ? "EN" : "中文";
}

function say(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function api(method, path, body) {
  const opts = {method, headers: {Authorization: "Bearer " + token}};
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const res = await fetch(path, opts);
  let data = null;
  try { data = await res.json(); } catch (_e) { data = null; }
  if (res.status === 401) { logout(); throw new Error(t("login_failed")); }
  if (!res.ok) {
    // a known error code in the page's language, else the server's message
    const known = data && data.error && T[lang] && T[lang]["err_" + data.error.code];
    const msg = known || (data && data.error ? data.error.message : res.statusText);
    throw new Error(msg);
  }
  return data;
}

function guard(fn) {
  return async (ev) => {
    if (ev && ev.preventDefault) ev.preventDefault();
    try { await fn(ev); } catch (err) { say(err.message, true); }
  };
}

function logout() {
  sessionStorage.removeItem("kefu.token"); token = "";
  $("app").classList.add("hidden"); $("logout").classList.add("hidden");
  $("login").classList.remove("hidden");
}

async function loadFaqs() {
  const q = $("filter").value.trim();
  const data = await api("GET", "/api/v1/kb/faqs?limit=1000" + (q ? "&q=" + encodeURIComponent(q) : ""));
  const list = $("faq-list");
  list.replaceChildren();
  for (const faq of data.faqs) {
    const li = el("li");
    li.dataset.id = faq.id;
    li.append(el("span", faq.question), el("span", faq.status, "badge " + faq.status), el("span", faq.lang, "badge"));
    if (faq.id === editing) li.classList.add("active");
    li.onclick = guard(() => openFaq(faq.id));
    list.append(li);
  }
}

async function openFaq(id) {
  const faq = await api("GET", "/api/v1/kb/faqs/" + encodeURIComponent(id));
  editing = faq.id;
  $("f-id").value = faq.id; $("f-id").disabled = true;
  $("f-lang").value = faq.lang; $("f-category").value = faq.category;
  $("f-question").value = faq.question;
  $("f-similar").value = faq.similar_questions.join("\n");
  $("f-answer").value = faq.answer;
  $("f-status").textContent = faq.status;
  document.querySelectorAll("#faq-list li").forEach((n) => n.classList.toggle("active", n.dataset.id === id));
}

function newFaq(question) {
  editing = null;
  $("faq-form").reset();
  $("f-id").disabled = false;
  $("f-status").textContent = "";
  if (question) $("f-question").value = question;
}

function formData() {
  return {
    id: $("f-id").value.trim(), lang: $("f-lang").value, category: $("f-category").value.trim(),
    question: $("f-question").value.trim(),
    similar_questions: $("f-similar").value.split("\n").map((s) => s.trim()).filter(Boolean),
    answer: $("f-answer").value.trim(),
  };
}

async function saveFaq() {
  const body = formData();
  const saved = editing
    ? await api("PUT", "/api/v1/kb/faqs/" + encodeURIComponent(editing), body)
    : await api("POST", "/api/v1/kb/faqs", body);
  await loadFaqs();
  await openFaq(saved.id);
  say(t("saved") + ": " + saved.id);  // last: the status line means "done"

}

async function archiveFaq() {
  if (!editing) return;
  await api("DELETE", "/api/v1/kb/faqs/" + encodeURIComponent(editing));
  const gone = editing;
  newFaq();
  await loadFaqs();
  say(t("archived") + ": " + gone);
}

async function preview() {
  // The bot's own decision step, asked of the action server: what a customer would get.
  const q = $("preview-q").value;
  const data = await api("GET", "/api/v1/kb/preview?q=" + encodeURIComponent(q));
  const box = $("preview-decision");
  box.replaceChildren(
    el("div", t(data.as_question + "_d") + (data.version ? " (v" + data.version + ")" : "")),
    el("div", t("req_" + data.as_request + "_d")));
  for (const reply of data.replies) box.append(el("blockquote", reply.text));
  const list = $("preview-hits");
  list.replaceChildren();
  for (const hit of data.hits) {
    const li = el("li");
    li.append(el("strong", hit.question), el("span", hit.score.toFixed(2), "badge"), el("div", hit.answer));
    li.dataset.id = hit.faq_id;
    list.append(li);
  }
}

async function publish() {
  const info = await api("POST", "/api/v1/kb/publish", {note: $("publish-note").value});
  $("publish-note").value = "";
  await Promise.all([loadFaqs(), loadVersions()]);
  say(t("published") + " " + info.version);
}

async function loadVersions() {
  const data = await api("GET", "/api/v1/kb/versions");
  $("serving").textContent = t("serving") + ": " + data.serving + (data.last_error ? " — " + data.last_error : "");
  const list = $("versions");
  list.replaceChildren();
  for (const v of data.versions) {
    const li = el("li");
    li.dataset.version = v.version;
    li.append(el("span", "v" + v.version + " · " + v.faq_count + " · " + (v.author || "") + " · " +
                   (v.created_at || "").slice(0, 19).replace("T", " ") + (v.note ? " · " + v.note : "")));
    const rb = el("button", t("rollback"));
    rb.type = "button"; rb.className = "rollback";
    rb.onclick = guard(async () => {
      if (!window.confirm(t("confirm_rollback") + " " + v.version + "?")) return;
      const info = await api("POST", "/api/v1/kb/versions/" + v.version + "/rollback");
      await Promise.all([loadFaqs(), loadVersions()]);
      say(t("rolled") + " " + info.version);
    });
    li.append(rb);
    if (v.version > 1) {
      const db = el("button", t("diff"));
      db.type = "button"; db.className = "diff";
      db.onclick = guard(() => showDiff(v.version));
      li.append(db);
    }
    list.append(li);
  }
}

async function showDiff(version) {
  const d = await api("GET", "/api/v1/kb/versions/" + version + "/diff");
  const lines = ["v" + d.from + " → v" + d.to];
  for (const f of d.added) lines.push("+ " + t("added") + " " + f.id + ": " + f.question);
  for (const f of d.removed) lines.push("- " + t("removed") + " " + f.id + ": " + f.question);
  for (const c of d.changed) {
    for (const [field, change] of Object.entries(c.fields)) {
      lines.push("~ " + t("changed") + " " + c.id + "." + field + ": " +
                 JSON.stringify(change.old) + " → " + JSON.stringify(change.new));
    }
  }
  if (lines.length === 1) lines.push(t("none"));
  $("diff").textContent = lines.join("\n");
}

async function loadUnanswered() {
  const data = await api("GET", "/api/v1/kb/unanswered");
  const list = $("unanswered");
  list.replaceChildren();
  for (const g of data.groups) {
    const li = el("li");
    li.append(el("span", g.example), el("span", g.count + " " + t("times"), "badge"));
    const use = el("button", t("use"));
    use.type = "button";
    use.onclick = () => newFaq(g.example);
    li.append(use);
    list.append(li);
  }
}

async function start() {
  $("login").classList.add("hidden");
  $("app").classList.remove("hidden"); $("logout").classList.remove("hidden");
  await Promise.all([loadFaqs(), loadVersions()]);
}

$("login-form").onsubmit = guard(async () => {
  const res = await fetch("/api/v1/auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: $("username").value, password: $("password").value})});
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(t("login_failed") + (data.error ? ": " + data.error.message : ""));
  token = data.token; sessionStorage.setItem("kefu.token", token);
  await start();
});
$("logout").onclick = logout;
$("lang-toggle").onclick = () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("kefu.lang", lang); applyLang(); };
$("filter-form").onsubmit = guard(loadFaqs);
$("new-faq").onclick = () => newFaq();
$("faq-form").onsubmit = guard(saveFaq);
$("archive").onclick = guard(archiveFaq);
$("preview-form").onsubmit = guard(preview);
$("publish-form").onsubmit = guard(publish);
$("load-unanswered").onclick = guard(loadUnanswered);

applyLang();
if (token) start().catch(() => logout()); else logout();
