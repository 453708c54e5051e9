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

  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
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
