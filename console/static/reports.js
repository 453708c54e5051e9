// The service report page: the server renders the report (figures, charts as SVG); this page
// asks for it and shows it. Nothing in the report runs: it is parsed, never executed.
"use strict";
const CATALOGUE = JSON.parse(document.getElementById("catalogue").textContent);
let lang = localStorage.getItem("kefu.lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
if (!CATALOGUE[lang]) lang = "zh";
let token = sessionStorage.getItem("kefu.token") || "";
const $ = (id) => document.getElementById(id);
const t = (key) => (CATALOGUE[lang] && CATALOGUE[lang][key]) || key;

function applyLang() {
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-ph]").forEach((n) => { n.placeholder = t(n.dataset.i18nPh); });
  $("lang-select").value = lang;
}

function query(format) {
  const q = new URLSearchParams({period: $("period").value, format, lang});
  if ($("date").value) q.set("date", $("date").value);
  return "/api/v1/reports/export?" + q.toString();
}

async function fetchReport(format) {
  const res = await fetch(query(format), {headers: {Authorization: "Bearer " + token}});
  if (res.status === 401) { sessionStorage.removeItem("kefu.token"); token = ""; showLogin(); throw new Error("401"); }
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    $("flash").textContent = (data.error && data.error.message) || String(res.status);
    throw new Error($("flash").textContent);
  }
  $("flash").textContent = "";
  return res;
}

async function show() {
  const doc = new DOMParser().parseFromString(await (await fetchReport("html")).text(), "text/html");
  const report = doc.getElementById("report");
  $("report-box").replaceChildren(document.importNode(report, true));
}

async function download(format) {
  const blob = await (await fetchReport(format)).blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob); a.download = "kefu-report." + format; a.click();
}

function showLogin() { $("app").classList.add("hidden"); $("login").classList.remove("hidden"); }

async function start() {
  $("login").classList.add("hidden"); $("app").classList.remove("hidden");
  await show();
}

$("login-btn").onclick = async () => {
  const res = await fetch("/api/v1/auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: $("login-user").value, password: $("login-pass").value})});
  const data = await res.json();
  if (!res.ok) { $("login-error").textContent = data.error ? data.error.message : "error"; return; }
  token = data.token; sessionStorage.setItem("kefu.token", token); await start();
};
$("show-btn").onclick = () => show().catch(() => {});
$("html-btn").onclick = () => download("html").catch(() => {});
$("xlsx-btn").onclick = () => download("xlsx").catch(() => {});
$("lang-select").onchange = () => { lang = $("lang-select").value; localStorage.setItem("kefu.lang", lang); applyLang(); show().catch(() => {}); };
applyLang();
if (token) start().catch(() => showLogin());
