/* The new-notice form (admin/notices/new.html): only the audience chosen shows its fieldset; the building
   list (30 or more) has a filter box over the checkboxes, ticking what it shows, and a count. */
(function () {
  "use strict";
  var audience = document.getElementById("audience");
  function sync() {
    document.querySelectorAll("fieldset[data-audience]").forEach(function (f) {
      f.hidden = f.dataset.audience !== audience.value;
    });
  }
  audience.addEventListener("change", sync);
  sync();
  document.querySelectorAll("fieldset[data-filterable]").forEach(function (f) {
    var box = f.querySelector("[data-check-filter]"), count = f.querySelector("[data-check-count]");
    var items = Array.prototype.slice.call(f.querySelectorAll("ul.checks li"));
    function tick() { count.textContent = "已选 " + f.querySelectorAll("ul.checks input:checked").length + " 栋"; }
    box.addEventListener("input", function () {
      var words = box.value.trim();
      items.forEach(function (li) { li.hidden = words !== "" && li.textContent.indexOf(words) < 0; });
    });
    box.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
    f.querySelector("[data-check-all]").addEventListener("click", function () {
      items.forEach(function (li) { if (!li.hidden) { li.querySelector("input").checked = true; } });
      tick();
    });
    f.querySelector("[data-check-none]").addEventListener("click", function () {
      items.forEach(function (li) { li.querySelector("input").checked = false; });
      tick();
    });
    f.addEventListener("change", tick);
    tick();
  });
})();
