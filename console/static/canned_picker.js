// The scripts picker (话术库) of the agent console: "/" at the start of the reply box opens a
// searchable list of the canned replies I may use (GET /canned-replies: the sets that are on
// first). Typing filters by title, text and scenario (every word must match); ↑/↓ move,
// Enter or a click inserts the reply in the customer's language with {customer_name},
// {order_id} and {agent_name} filled from the conversation; Escape closes the list.
// Shares the console's globals (console.js): $, el, t, lang, me, currentPacket.
"use strict";
let canned = [], setsOn = ["normal"], pickIndex = 0, pickShown = [];

async function loadCanned() {
  const data = await api("GET", "/canned-replies");
  canned = data.replies; setsOn = data.sets_on;
}

// the customer's language decides the text: zh, zh-Hant (derived with OpenCC) or en
function cannedText(r) {
  const c = (currentPacket && currentPacket.customer) || {};
  const spoken = c.language || (lang === "en" ? "en" : "zh");
  return spoken === "en" ? r.text_en : spoken === "zh-Hant" ? r.text_hant : r.text_zh;
}

function fillVariables(text) {
  const c = (currentPacket && currentPacket.customer) || {};
  const e = (currentPacket && currentPacket.entities) || {};
  const values = {customer_name: c.display_name || "", order_id: e.order_id || "", agent_name: (me && me.name) || ""};
  return text.replace(/\{(customer_name|order_id|agent_name)\}/g, (_, name) => values[name]);
}

function pickerOpen() { return !$("canned-pick").classList.contains("hidden"); }
function closePicker() { $("canned-pick").classList.add("hidden"); }

function renderPicker() {
  const value = $("reply-text").value;
  if (!value.startsWith("/")) { closePicker(); return; }
  const words = value.slice(1).toLowerCase().split(/\s+/).filter(Boolean);
  pickShown = canned.filter((r) => {
    const hay = [r.title_zh, r.title_hant, r.title_en, r.text_zh, r.text_hant, r.text_en,
      r.scenario_zh, r.scenario_hant, r.scenario_en].join(" ").toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  pickIndex = Math.min(pickIndex, Math.max(0, pickShown.length - 1));
  const list = $("canned-list"); list.replaceChildren();
  pickShown.forEach((r, i) => {
    const en = lang === "en";
    const item = el("li", "", "canned-item" + (i === pickIndex ? " active" : ""));
    item.setAttribute("role", "option"); item.setAttribute("aria-selected", String(i === pickIndex));
    if (r.script_set !== "normal") item.append(el("span", t("set." + r.script_set), "canned-set"));
    item.append(el("b", (en ? r.scenario_en : r.scenario_zh) + " · " + (en ? r.title_en : r.title_zh) + " "));
    item.append(el("span", fillVariables(cannedText(r)), "canned-text"));
    item.onmousedown = (ev) => { ev.preventDefault(); insertCanned(r); };
    list.append(item);
  });
  if (!pickShown.length) list.append(el("li", t("no_canned"), "sys"));
  $("canned-pick").classList.remove("hidden");
  const active = list.querySelector(".active"); if (active) active.scrollIntoView({block: "nearest"});
}

function insertCanned(r) {
  closePicker();
  $("reply-text").value = fillVariables(cannedText(r));
  $("reply-text").focus();
}

// keydown in the reply box: true if the picker used the key
function pickerKey(e) {
  if (!pickerOpen()) return false;
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    if (pickShown.length) pickIndex = (pickIndex + (e.key === "ArrowDown" ? 1 : pickShown.length - 1)) % pickShown.length;
    renderPicker(); return true;
  }
  if (e.key === "Enter") {
    e.preventDefault();
    if (pickShown[pickIndex]) insertCanned(pickShown[pickIndex]);
    return true;
  }
  if (e.key === "Escape") { e.preventDefault(); closePicker(); return true; }
  return false;
}

document.addEventListener("DOMContentLoaded", () => {
  $("reply-text").addEventListener("input", () => { pickIndex = 0; renderPicker(); });
  // closed when the box loses focus (after a click on an item had its chance), unless the
  // focus came back meanwhile; back in a box that starts with "/", the list shows again
  $("reply-text").addEventListener("blur", () => setTimeout(() => {
    if (document.activeElement !== $("reply-text")) closePicker();
  }, 150));
  $("reply-text").addEventListener("focus", renderPicker);
});
