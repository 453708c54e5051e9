/* kefu web chat: one WebSocket to /ws; the conversation's events are the single source of
   what is shown. Text is always inserted with textContent, never as HTML. */
(function () {
  "use strict";
  var LANG = (navigator.language || "zh").toLowerCase();
  var ZH = LANG.indexOf("zh") === 0;
  var HANT = /^zh-(tw|hk|mo|hant)/.test(LANG);
  var T = ZH ? {
    title: "在线客服", typing: "对方正在输入…", placeholder: "请输入您的问题…", send: "发送",
    csat_q: "请为本次服务打分", csat_ph: "说说您的感受（可选）", csat_send: "提交评价",
    csat_thanks: "感谢您的评价！", you: "我", bot: "智能客服", agent: "客服", system: "系统",
    connecting: "连接中…", online: "在线", offline: "连接已断开，正在重连…",
    queue: "您前面还有 {n} 位，预计 {m} 分钟", waiting: "正在为您转接人工客服…",
    joined: "客服 {name} 为您服务", closed: "本次服务已结束", handed_back: "已转回智能客服",
    failed: "发送失败，请稍后再试", star: "{n} 星", leave: "不等了，留言",
    leave_hint: "请在输入框写下留言，再点“不等了，留言”", left: "留言已提交，我们会尽快回复您",
    stop: "结束排队",
    archived: "以上是您上次的会话（只读），本次会话已结束 —— 发送消息即可开始新的会话"
  } : {
    title: "Customer service", typing: "Typing…", placeholder: "Type your question…", send: "Send",
    csat_q: "How did we do?", csat_ph: "Anything to add? (optional)", csat_send: "Submit",
    csat_thanks: "Thank you for your feedback!", you: "You", bot: "Assistant", agent: "Agent",
    system: "System", connecting: "Connecting…", online: "Online",
    offline: "Connection lost, reconnecting…",
    queue: "{n} ahead of you, about {m} min", waiting: "Connecting you to an agent…",
    joined: "{name} is now helping you", closed: "This chat has ended",
    handed_back: "You are back with the assistant", failed: "Could not send; please retry",
    star: "{n} stars", leave: "Leave a message",
    leave_hint: "Type your message in the box, then tap \"Leave a message\"",
    left: "Your message was received; we will get back to you soon", stop: "Stop waiting",
    archived: "Above is your last conversation (read-only). It has ended — write to start a new one"
  };
  if (HANT) {
    T.title = "線上客服"; T.typing = "對方正在輸入…"; T.placeholder = "請輸入您的問題…";
    T.send = "發送"; T.queue = "您前面還有 {n} 位，預計 {m} 分鐘"; T.joined = "客服 {name} 為您服務";
    T.csat_q = "請為本次服務打分"; T.csat_send = "提交評價"; T.closed = "本次服務已結束";
    T.stop = "結束排隊";
    T.archived = "以上是您上次的會話（唯讀），本次會話已結束 —— 發送訊息即可開始新的會話";
  }
  // an event's line for the customer in their language (transfers, a lead joining or leaving)
  function localText(e) {
    return (!ZH && e.text_for_customer_en) || (HANT && e.text_for_customer_hant) ||
      e.text_for_customer;
  }
  // who wrote: a lead who joined carries their title in each language ("组长 王芳")
  function localName(e) {
    return (!ZH && e.agent_name_en) || (HANT && e.agent_name_hant) || e.agent_name;
  }
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, function (_, k) { return String(v[k]); }); }

  var $ = function (id) { return document.getElementById(id); };
  var log = $("log"), input = $("input"), statusEl = $("status"), queueEl = $("queue");
  var queueText = $("queue-text");
  var typingEl = $("typing"), csatForm = $("csat"), titleEl = $("title");
  document.documentElement.lang = ZH ? (HANT ? "zh-Hant" : "zh-CN") : "en";
  document.querySelectorAll("[data-i18n]").forEach(function (el) {
    el.textContent = T[el.getAttribute("data-i18n")];
  });
  document.querySelectorAll("[data-i18n-ph]").forEach(function (el) {
    el.placeholder = T[el.getAttribute("data-i18n-ph")];
  });

  var store = {
    get: function (k) { try { return localStorage.getItem("kefu." + k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem("kefu." + k, v); } catch (e) { /* private mode */ } },
    remove: function (k) { try { localStorage.removeItem("kefu." + k); } catch (e) { /* private mode */ } }
  };
  var convId = store.get("conversation_id"), customerId = store.get("customer_id");
  var lastSeq = 0;          // highest event seq shown; resume point after a reconnect
  var pending = [];         // messages not yet acknowledged by the server: re-sent on reconnect
  var ws = null, retry = 0, csatDone = false, rating = 0;
  var owner = "bot";        // who has the chat: the customer's typing is sent only to an agent
  var TYPING_EVERY_MS = 2000, TYPING_IDLE_MS = 3000, TYPING_SHOWN_MS = 5000;
  var typingSentAt = 0, typingOn = false, typingIdle = null, typingHide = null;

  function setStatus(text) { statusEl.textContent = text; }
  function scroll() { log.scrollTop = log.scrollHeight; }

  function addMessage(who, text, name, buttons) {
    var li = document.createElement("li");
    li.className = "msg " + who;
    var label = document.createElement("div");
    label.className = "who";
    label.textContent = who === "customer" ? T.you : (name || T[who] || who);
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    li.appendChild(label);
    li.appendChild(bubble);
    if (buttons && buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        // the payload goes out; the gateway stores the title it offered (bot/taps.py)
        btn.addEventListener("click", function () { send(b.payload || b.title); });
        row.appendChild(btn);
      });
      li.appendChild(row);
    }
    log.appendChild(li);
    scroll();
  }
  function addSystem(text) {
    var li = document.createElement("li");
    li.className = "sys";
    li.textContent = text;
    log.appendChild(li);
    scroll();
  }
  // A signed customer's last ended conversation, read from the archive: shown above the new
  // one, greyed, with no buttons; writing goes to the new conversation.
  function showArchived(f) {
    var old = document.createElement("li");
    old.className = "archived";
    var list = document.createElement("ol");
    list.className = "log-archived";
    (f.transcript || []).forEach(function (turn) {
      var li = document.createElement("li");
      li.className = "msg " + (turn.from === "customer" ? "customer" : turn.from || "system");
      var label = document.createElement("div");
      label.className = "who";
      label.textContent = turn.from === "customer" ? T.you : (T[turn.from] || T.system);
      var bubble = document.createElement("div");
      bubble.className = "bubble";
      bubble.textContent = turn.text;
      li.appendChild(label);
      li.appendChild(bubble);
      list.appendChild(li);
    });
    var note = document.createElement("div");
    note.className = "sys archived-note";
    note.textContent = T.archived;
    old.appendChild(list);
    old.appendChild(note);
    log.insertBefore(old, log.firstChild);
    scroll();
  }
  function showQueue(position, eta) {
    if (position === null || position === undefined) { queueEl.hidden = true; return; }
    queueText.textContent = fmt(T.queue, { n: position, m: Math.max(1, Math.round((eta || 0) / 60)) });
    queueEl.hidden = false;
  }

  // The other side's "typing…": the bot's turn (on … off) or an agent, who refreshes "on"
  // every two seconds while typing; without a refresh it goes away by itself.
  function showTyping(on, fromAgent) {
    clearTimeout(typingHide);
    typingEl.hidden = !on;
    if (on && fromAgent) typingHide = setTimeout(function () { typingEl.hidden = true; }, TYPING_SHOWN_MS);
  }
  function sendTyping(on) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: "typing", on: on }));
  }
  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingOn) { typingOn = false; typingSentAt = 0; sendTyping(false); }
  }
  function onInput() {
    if (owner !== "agent") return;  // the bot does not read over the customer's shoulder
    if (!input.value.trim()) { stopTyping(); return; }
    var now = Date.now();
    if (!typingOn || now - typingSentAt >= TYPING_EVERY_MS) {
      typingOn = true; typingSentAt = now; sendTyping(true);
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function trackOwner(e) {
    if (e.event === "queued") owner = "queued";
    else if (e.event === "accepted") owner = "agent";
    else if (e.event === "transferred") owner = e.position ? "queued" : "agent";
    else if (e.event === "handed_back" || e.event === "reopened" || e.event === "left_queue") owner = "bot";
    else if (e.event === "closed") owner = "closed";
    if (owner !== "agent") stopTyping();
  }

  function onEvent(e) {
    if (e.seq <= lastSeq) return;  // already shown: a resume never doubles a message
    lastSeq = e.seq;
    trackOwner(e);
    switch (e.event) {
      case "message":
        // (a tap stored before bot/taps.py kept its title in attachment.title)
        var text = e.attachment && e.attachment.title && e.from === "customer" ? e.attachment.title : e.text;
        addMessage(e.from, text || "", e.from === "agent" ? localName(e) : null, e.buttons);
        if (e.from !== "customer") showTyping(false);
        break;
      case "queued":
        addSystem(T.waiting);
        showQueue(e.position, e.eta_seconds);
        break;
      case "queue_update":
        showQueue(e.position, e.eta_seconds);
        break;
      case "accepted":
        showQueue(null);
        var name = e.agent_name || e.agent || T.agent;
        addSystem(fmt(T.joined, { name: name }));
        titleEl.textContent = T.title + " · " + name;
        break;
      case "transferred":
        var moved = localText(e);
        if (moved) addSystem(moved);
        if (e.position) showQueue(e.position, e.eta_seconds);
        titleEl.textContent = e.position || !e.agent_name ? T.title : T.title + " · " + e.agent_name;
        break;
      case "left_queue":  // gave up on the queue: the ticket's number follows as a message
        showQueue(null);
        break;
      case "participant_joined":
      case "participant_left":
        var line = localText(e);
        if (line) addSystem(line);
        break;
      case "handed_back":
        titleEl.textContent = T.title;
        addSystem(T.handed_back);
        break;
      case "closed":
        showQueue(null);
        titleEl.textContent = T.title;
        addSystem(T.closed);
        if (!csatDone) openCsat();
        break;
      case "csat_request":
        if (!csatDone) openCsat();
        break;
      case "csat":
        csatDone = true;
        csatForm.hidden = true;
        addSystem(T.csat_thanks);
        break;
      case "ticket_update":
        addSystem((HANT && e.text_for_customer_hant) || (!ZH && e.text_for_customer_en) ||
                  e.text_for_customer || "");
        break;
      case "reopened":
        csatForm.hidden = true;
        csatDone = false;
        break;
      default:
        break;
    }
  }

  // Who the shop says the customer is ({customer_id, name, hash, expires}), signed by the
  // shop's server; kept in memory only. See README "Known customers".
  var user = null;
  var product = null;  // the product page the shop's page says the customer is on (咨询此商品)
  function sendHello() {
    var hello = { type: "hello", conversation_id: convId, customer_id: customerId,
                  after: lastSeq, lang: navigator.language || null };
    if (user) {
      hello.customer_id = user.customer_id; hello.name = user.name || "";
      hello.hash = user.hash; if (user.expires) hello.expires = user.expires;
    }
    if (product) hello.product = product;
    ws.send(JSON.stringify(hello));
  }
  function forget() {
    convId = null; customerId = null; lastSeq = 0; pending = [];
    store.remove("conversation_id"); store.remove("customer_id"); store.remove("user");
    log.replaceChildren();
  }
  function setUser(u) {
    if (!u || typeof u.customer_id !== "string" || typeof u.hash !== "string") return;
    var before = store.get("user");
    if (before && before !== u.customer_id) forget();  // another customer on this device
    user = { customer_id: u.customer_id, name: String(u.name || ""), hash: u.hash,
             expires: u.expires || null };
    store.set("user", u.customer_id);
    if (ws && ws.readyState === WebSocket.OPEN) sendHello();
  }
  function setProduct(p) {
    product = p && typeof p === "object" ? p : null;
    if (ws && ws.readyState === WebSocket.OPEN) sendHello();
  }
  function logout() {  // a shared computer must not show the last customer's chat
    user = null; forget();
    if (ws && ws.readyState === WebSocket.OPEN) sendHello();
  }

  function connect() {
    setStatus(T.connecting);
    var proto = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(proto + "//" + location.host + "/ws");
    ws.onopen = function () {
      retry = 0;
      sendHello();
    };
    ws.onmessage = function (msg) {
      var f;
      try { f = JSON.parse(msg.data); } catch (e) { return; }
      if (f.type === "welcome") {
        if (f.conversation_id !== convId) { lastSeq = 0; log.replaceChildren(); }
        convId = f.conversation_id; customerId = f.customer_id; owner = f.owner || "bot";
        store.set("conversation_id", convId); store.set("customer_id", customerId);
        setStatus(T.online);
        pending.forEach(function (p) { ws.send(JSON.stringify(p)); });
      } else if (f.type === "archived") {
        log.querySelectorAll(".archived").forEach(function (n) { n.remove(); });
        showArchived(f);
      } else if (f.type === "event") {
        onEvent(f);
      } else if (f.type === "ack") {
        pending = pending.filter(function (p) { return p.cid !== f.cid; });
      } else if (f.type === "typing") {
        showTyping(f.on, f.from === "agent");
      } else if (f.type === "queue") {
        showQueue(f.position, f.eta_seconds);
      } else if (f.type === "stopped_waiting") {
        showQueue(null);
      } else if (f.type === "left_message") {
        showQueue(null);
        addSystem(T.left);
      } else if (f.type === "error") {
        addSystem(f.message || T.failed);
      }
    };
    ws.onclose = function () {
      setStatus(T.offline);
      showTyping(false);
      typingOn = false; clearTimeout(typingIdle);
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, Math.min(500 * Math.pow(2, retry - 1), 10000));
    };
  }

  function send(text) {
    text = (text || "").trim();
    if (!text) return;
    var frame = { type: "message", text: text,
                  cid: Date.now().toString(36) + Math.random().toString(36).slice(2, 10) };
    pending.push(frame);
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  $("composer").addEventListener("submit", function (ev) {
    ev.preventDefault();
    stopTyping();
    send(input.value);
    input.value = "";
  });
  input.addEventListener("input", onInput);

  $("leave").addEventListener("click", function () {
    var text = input.value.trim();
    if (!text) { input.placeholder = T.leave_hint; input.focus(); return; }
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: "leave_message", text: text }));
    input.value = "";
  });

  // Ending the wait on purpose (not closing the tab): a ticket, and the chat is the bot's again.
  $("stop").addEventListener("click", function () {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "stop_waiting" }));
  });

  var stars = $("stars");
  for (var i = 1; i <= 5; i++) {
    (function (n) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = "★";
      b.setAttribute("aria-label", fmt(T.star, { n: n }));
      b.setAttribute("data-score", String(n));
      b.addEventListener("click", function () {
        rating = n;
        stars.querySelectorAll("button").forEach(function (s) {
          s.classList.toggle("on", Number(s.getAttribute("data-score")) <= n);
        });
      });
      stars.appendChild(b);
    })(i);
  }
  function openCsat() { csatForm.hidden = false; scroll(); }
  csatForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!rating || !ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: "csat", score: rating, comment: $("csat-comment").value }));
    csatForm.hidden = true;
  });

  window.kefuChat = {  // for tests and the embedding page
    state: function () { return { conversationId: convId, customerId: customerId, lastSeq: lastSeq, pending: pending.length }; },
    drop: function () { if (ws) ws.close(); },
    setUser: setUser,
    setProduct: setProduct,
    logout: logout
  };
  // In the widget's iframe the shop's page tells who is logged in (widget.js posts
  // {kefu: "init" | "setUser" | "logout"}); the first connection waits for it briefly.
  var embedded = window.parent !== window;
  var started = false;
  function start() { if (!started) { started = true; connect(); } }
  window.addEventListener("message", function (ev) {
    if (ev.source !== window.parent || !ev.data || typeof ev.data !== "object") return;
    var d = ev.data;
    if (d.kefu === "init") {
      if (d.product) product = d.product;
      if (d.user) setUser(d.user);
      start();
    }
    else if (d.kefu === "setProduct") { setProduct(d.product); start(); }
    else if (d.kefu === "setUser") { setUser(d.user); start(); }
    else if (d.kefu === "logout") { logout(); start(); }
  });
  if (embedded) setTimeout(start, 1500); else start();
})();
