// The customer panel next to the conversation and the suggested answers (console.js's api, el,
// t and lang are shared globals of the page). Customer data is only ever set with textContent.
"use strict";
// Its labels in simplified, traditional (made by OpenCC on the server) and English
// (console/panel_text.py), in the language the staff member chose for the console.
const PANEL_I18N = JSON.parse(document.getElementById("panel-catalogue").textContent);
const pt = (key) => (PANEL_I18N[lang] && PANEL_I18N[lang][key]) || t(key);
// The language changed: draw the open conversation's panel and suggestions again.
function renderPanelLang() { if (panelConv) { loadCustomerPanel(panelConv); loadSuggestions(panelConv); } }
let panelConv = null, suggestions = [];

function panelRow(dl, key, value) { dl.append(el("dt", pt(key))); dl.append(el("dd", value)); }

async function loadCustomerPanel(convId) {
  panelConv = convId;
  const box = document.getElementById("customer-panel");
  box.replaceChildren(el("div", "…", "sys"));
  let data;
  try { data = await api("GET", "/conversations/" + encodeURIComponent(convId) + "/customer"); }
  catch (e) { box.replaceChildren(el("div", String(e.message || e), "err")); return; }
  if (panelConv !== convId) return;
  box.replaceChildren();
  const dl = el("dl");
  box.append(dl);
  panelRow(dl, "cp_channel", pt(data.channel) );
  if (!data.known) { box.append(el("div", pt("cp_anonymous"), "sys cp-anonymous")); return; }
  if (data.shop !== "ok") box.append(el("div", pt("cp_shop_down"), "err cp-shop-down"));
  const c = data.customer;
  if (c) {
    panelRow(dl, "cp_name", c.name);
    panelRow(dl, "cp_vip", "VIP " + c.vip_level);
    panelRow(dl, "cp_phone", c.phone);
    panelRow(dl, "cp_lang", pt(c.lang + "_lang"));
  }
  box.append(el("h4", pt("cp_orders")));
  const orders = el("div", null, "cp-orders");
  for (const o of data.orders) {
    const item = el("div", null, "item cp-order");
    item.append(el("div", o.id + " · " + o.item + " " + o.spec));
    item.append(el("div", pt(o.status), "sys"));
    if (o.tracking) item.append(el("div", pt("cp_tracking") + ": " + o.tracking.carrier + " " + o.tracking.tracking_no + " · " + pt(o.tracking.status), "sys"));
    for (const r of o.refunds) item.append(el("div", pt("cp_refund") + ": " + pt(r.status), "sys"));
    orders.append(item);
  }
  if (!data.orders.length) orders.append(el("div", pt("cp_none"), "sys"));
  box.append(orders);
  box.append(el("h4", pt("cp_tickets")));
  for (const tk of data.tickets) box.append(el("div", "#" + tk.id + " · " + pt("ticket_" + tk.status), "item cp-ticket"));
  if (!data.tickets.length) box.append(el("div", pt("cp_none"), "sys"));
  box.append(el("h4", pt("cp_past") + " (" + data.past.total + ")"));
  const past = el("div", null, "cp-past");
  box.append(past);
  renderPast(convId, past, data.past);
}

function renderPast(convId, box, page) {
  for (const p of page.items) {
    const when = (p.ended_at || "").slice(0, 16).replace("T", " ");
    const line = when + " · " + pt(p.channel) + " · " + pt(p.handoff_reason || "cp_bot_only") +
      " · " + pt(p.resolution) + (p.rating ? " · " + pt("cp_rating") + " " + p.rating : "");
    const item = el("div", line, "item cp-past-item");
    item.addEventListener("click", () => openPast(convId, p.conversation_id, item));
    box.append(item);
  }
  if (page.next_offset !== null) {
    const more = el("button", pt("cp_more"));
    more.type = "button";
    more.addEventListener("click", async () => {
      more.remove();
      const next = await api("GET", "/conversations/" + encodeURIComponent(convId) + "/customer/conversations?offset=" + page.next_offset + "&limit=10");
      renderPast(convId, box, next);
    });
    box.append(more);
  }
}

async function openPast(convId, pastId, item) {
  const data = await api("GET", "/conversations/" + encodeURIComponent(convId) + "/customer/conversations/" + encodeURIComponent(pastId));
  const box = el("div", null, "cp-transcript");
  box.append(el("div", pt("cp_readonly"), "sys"));
  for (const turn of data.transcript) box.append(el("div", pt("from_" + (turn.from || "system")) + ": " + (turn.text || ""), "msg " + (turn.from || "system")));
  item.after(box);
}

// The answers to the customer's last message, or (query) to the agent's own search.
async function loadSuggestions(convId, query) {
  const box = document.getElementById("suggestions");
  if (!box) return;
  box.replaceChildren();
  suggestions = [];
  let data;
  let path = "/conversations/" + encodeURIComponent(convId) + "/suggestions";
  if (query) path += "?q=" + encodeURIComponent(query);
  try { data = await api("GET", path); }
  catch (e) { return; }
  if (panelConv !== convId) return;
  suggestions = data.hits || [];
  if (query && !data.available) { box.append(el("div", pt("cp_kb_down"), "err")); return; }
  if (query && !suggestions.length) { box.append(el("div", pt("cp_kb_none"), "sys kb-none")); return; }
  if (!suggestions.length) return;
  box.append(el("div", pt(query ? "cp_kb_results" : "cp_suggest"), "sys"));
  suggestions.forEach((h, i) => {
    const b = el("button", (i + 1) + ". " + h.question, "suggestion");
    b.type = "button"; b.title = h.answer;
    b.addEventListener("click", () => insertSuggestion(i));
    box.append(b);
  });
}

function insertSuggestion(i) {
  const h = suggestions[i];
  if (!h) return;
  const area = document.getElementById("reply-text");
  area.value = h.answer;  // editable before it is sent
  area.focus();
}

document.addEventListener("keydown", (ev) => {
  if (ev.altKey && ev.shiftKey && /^Digit[1-3]$/.test(ev.code)) {
    ev.preventDefault();
    insertSuggestion(Number(ev.code.slice(5)) - 1);
  }
});

document.getElementById("kb-search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const query = document.getElementById("kb-query").value.trim();
  if (panelConv && query) loadSuggestions(panelConv, query);
});
