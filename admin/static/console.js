/* The console's frame, run from a file (the Content-Security-Policy allows no inline script): the page
   knows scripts run (the phone menu folds away), the menu button opens the sidebar, a form marked
   data-confirm asks first, a button marked data-print prints the page. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-toggle"), menu = document.getElementById("sidebar");
    if (button && menu) {
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        menu.classList.toggle("open", open);
      });
    }
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); }
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
