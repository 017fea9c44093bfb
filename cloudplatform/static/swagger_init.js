/* Starts Swagger UI on the API docs page (templates/swagger_ui.html) from a file, as the
   Content-Security-Policy requires: the document's address and OPENAPI_SWAGGER_UI_CONFIG come from the
   container's data attributes. No online validator: the document is never sent to swagger.io. */
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui-container");
  var config = { url: container.dataset.specUrl, dom_id: "#swagger-ui-container", validatorUrl: null };
  var overrides = JSON.parse(container.dataset.config);
  Object.keys(overrides).forEach(function (name) { config[name] = overrides[name]; });
  window.addEventListener("load", function () { window.ui = SwaggerUIBundle(config); });
})();
