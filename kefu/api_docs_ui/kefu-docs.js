// Swagger UI's start-up for kefu's /docs page (a file, not inline: no inline scripts needed).
window.addEventListener("load", function () {
  var root = document.getElementById("openapi");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#openapi",
    deepLinking: true,
    oauth2RedirectUrl: window.location.origin + root.dataset.oauth2Redirect,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
});
