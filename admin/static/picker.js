/* Type-ahead pickers (admin/_picker.html): typing asks the console for matches in the worker's scope;
   choosing one (click, or arrows and Enter) puts its id in the hidden field. Editing the text again
   clears the choice, so what is submitted is always a match the server offered. */
(function () {
  "use strict";

  function setUp(box) {
    var hidden = box.querySelector("input[type=hidden]");
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector("[role=listbox]");
    var timer = null, active = -1, asked = 0;

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function choose(option) {
      hidden.value = option.dataset.id;
      input.value = option.textContent;
      close();
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (o, i) { o.setAttribute("aria-selected", String(i === active)); });
    }

    function show(items) {
      list.innerHTML = "";
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = "没有匹配的结果";
        list.appendChild(none);
      }
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.dataset.id = item.id;
        li.textContent = item.label;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(li); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function ask() {
      var url = new URL(box.dataset.picker, window.location.href);
      url.searchParams.set("q", input.value.trim());
      if (box.dataset.depends) {
        var other = document.querySelector("[name=" + box.dataset.depends + "]");
        url.searchParams.set(box.dataset.depends, other ? other.value : "");
      }
      var mine = ++asked;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) { if (mine === asked) { show(body.items); } })
        .catch(function () { if (mine === asked) { show([]); } });
    }

    input.addEventListener("input", function () {
      hidden.value = "";
      input.setCustomValidity("");
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("focus", function () { if (!hidden.value) { ask(); } });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { highlight(active + 1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { highlight(active - 1); event.preventDefault(); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && !list.hidden && active >= 0) {
        choose(options()[active]);
        event.preventDefault();
      }
    });
    var form = box.closest("form");
    if (form && hidden.hasAttribute("data-required")) {
      form.addEventListener("submit", function (event) {
        if (!hidden.value) {
          event.preventDefault();
          input.setCustomValidity("请从候选列表中选择");
          input.reportValidity();
        }
      });
    }
    if (box.dataset.depends) {
      var other = document.querySelector("[name=" + box.dataset.depends + "]");
      if (other) {
        other.addEventListener("change", function () { hidden.value = ""; input.value = ""; });
      }
    }
    // A worker who typed before this script arrived (a slow connection) still gets the matches.
    if (input.value.trim() && !hidden.value) { ask(); }
  }

  document.querySelectorAll("[data-picker]").forEach(setUp);
})();
