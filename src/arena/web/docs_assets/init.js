// Starts Swagger UI on /docs. A file of its own, not an inline script: the docs page has
// the same Content-Security-Policy as every other answer (scripts from this origin only).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
