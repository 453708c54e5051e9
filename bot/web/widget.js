/* kefu chat widget: add <script src="https://GATEWAY/widget.js" async></script> to a page.
   It adds a round button; clicking it opens the chat (the gateway's page) in an iframe panel.
   Everything lives in a closed shadow root, so the shop's CSS and ours never mix. */
(function () {
  "use strict";
  if (window.__kefuWidget) return;
  window.__kefuWidget = true;
  var script = document.currentScript;
  var origin = new URL(script ? script.src : "/widget.js", location.href).origin;
  var zh = (navigator.language || "zh").toLowerCase().indexOf("zh") === 0;

  var host = document.createElement("div");
  host.id = "kefu-widget";
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent =
    ".btn{position:fixed;right:20px;bottom:20px;z-index:2147483646;width:56px;height:56px;" +
    "border-radius:28px;border:0;background:#1677ff;color:#fff;font-size:14px;" +
    "box-shadow:0 4px 12px rgba(0,0,0,.2);cursor:pointer}" +
    ".panel{position:fixed;right:20px;bottom:86px;z-index:2147483647;width:380px;height:600px;" +
    "max-height:calc(100vh - 110px);border:0;border-radius:12px;background:#fff;" +
    "box-shadow:0 8px 28px rgba(0,0,0,.25);overflow:hidden}" +
    ".panel[hidden]{display:none}" +
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;height:100vh;max-height:none;" +
    "border-radius:0}}";
  var button = document.createElement("button");
  button.className = "btn";
  button.type = "button";
  button.textContent = zh ? "客服" : "Chat";
  button.setAttribute("aria-label", zh ? "打开在线客服" : "Open customer service chat");
  var panel = document.createElement("div");
  panel.className = "panel";
  panel.hidden = true;
  var frame = null;

  // kefu('setUser', {customer_id, name, hash, expires}) / kefu('logout'): the identity the
  // shop's server signed (README "Known customers"), also from the script tag's data-customer-id,
  // data-name, data-hash, data-expires. Calls made before this script loaded wait in kefu.q.
  // kefu('setProduct', {id, title, url, price, image}) or data-product-id, data-product-title,
  // data-product-url, data-product-price, data-product-image: the product page the customer is
  // on (咨询此商品); the gateway checks it and an agent sees it with the chat.
  var user = null, product = null;
  function post(msg) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(msg, origin);
  }
  function command(name, arg) {
    if (name === "setUser" && arg && arg.customer_id && arg.hash) {
      user = { customer_id: String(arg.customer_id), name: arg.name ? String(arg.name) : "",
               hash: String(arg.hash), expires: arg.expires ? Number(arg.expires) : null };
      post({ kefu: "setUser", user: user });
    } else if (name === "setProduct") {
      product = null;
      if (arg && arg.id && arg.title && arg.url) {
        product = { id: String(arg.id), title: String(arg.title), url: String(arg.url) };
        if (arg.price) product.price = String(arg.price);
        if (arg.image) product.image = String(arg.image);
      }
      post({ kefu: "setProduct", product: product });
    } else if (name === "logout") {
      user = null;
      post({ kefu: "logout" });
    }
  }
  var queued = (window.kefu && window.kefu.q) || [];
  window.kefu = function (name, arg) { command(name, arg); };
  if (script && script.getAttribute("data-customer-id")) {
    command("setUser", { customer_id: script.getAttribute("data-customer-id"),
                         name: script.getAttribute("data-name"),
                         hash: script.getAttribute("data-hash"),
                         expires: script.getAttribute("data-expires") });
  }
  if (script && script.getAttribute("data-product-id")) {
    command("setProduct", { id: script.getAttribute("data-product-id"),
                            title: script.getAttribute("data-product-title"),
                            url: script.getAttribute("data-product-url"),
                            price: script.getAttribute("data-product-price"),
                            image: script.getAttribute("data-product-image") });
  }
  for (var i = 0; i < queued.length; i++) command(queued[i][0], queued[i][1]);

  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.addEventListener("load", function () { post({ kefu: "init", user: user, product: product }); });
      frame.src = origin + "/?embed=1";
      frame.title = zh ? "在线客服" : "Customer service";
      frame.style.cssText = "width:100%;height:100%;border:0";
      panel.appendChild(frame);
    }
    panel.hidden = !panel.hidden;
    button.textContent = panel.hidden ? (zh ? "客服" : "Chat") : "×";
  });
  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(button);
  (document.body || document.documentElement).appendChild(host);
})();
