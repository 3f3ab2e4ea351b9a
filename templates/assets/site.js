// Small enhancements every page shares: copy buttons, the "/" shortcut,
// the index page's quick filter and sortable tables. Plain script, no
// fetch, so it works from file:// as well as from a server.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      area.remove();
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) { return; }
    var code = button.parentElement.querySelector("pre code, pre");
    if (!code) { return; }
    // A transcript's command lines are marked when the site is built, by
    // the rule `runbook extract` runs them by: copy those, no prompt, no output.
    var text = button.parentElement.classList.contains("transcript")
      ? Array.prototype.map.call(code.querySelectorAll(".cmd"), function (c) { return c.textContent; }).join("\n")
      : code.textContent.replace(/\n$/, "");
    copyText(text).then(function () {
      button.textContent = "Copied";
    }, function () {
      button.textContent = "Select and copy";
    });
    setTimeout(function () { button.textContent = "Copy"; }, 1600);
  });

  // The lint findings panel is closed; a link to it (the dashboard's
  // finding counts) opens it.
  var openFindings = function () {
    var panel = document.getElementById("rb:findings");
    if (panel && location.hash === "#rb:findings") { panel.open = true; }
  };
  openFindings();
  window.addEventListener("hashchange", openFindings);

  // "/" jumps to the search box (or the index filter), as on most doc sites.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) { return; }
    var box = document.getElementById("filter") || document.getElementById("search-q") || document.getElementById("rb:site-q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  // The quick filter: every term must appear in an item's data-filter.
  var filter = document.getElementById("filter");
  if (filter) {
    var items = Array.prototype.slice.call(document.querySelectorAll("li[data-filter]"));
    var folders = Array.prototype.slice.call(document.querySelectorAll("[data-folder]"));
    var count = document.getElementById("filter-count");
    var empty = document.getElementById("filter-empty");
    var apply = function () {
      var terms = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.getAttribute("data-filter");
        var match = terms.every(function (t) { return text.indexOf(t) !== -1; });
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      folders.forEach(function (folder) {
        folder.hidden = terms.length > 0 && !folder.querySelector("li[data-filter]:not([hidden])");
      });
      count.textContent = terms.length ? shown + " of " + items.length + " runbooks" : "";
      empty.hidden = shown > 0;
    };
    filter.addEventListener("input", apply);
    var initial = new URLSearchParams(location.search).get("filter");
    if (initial) { filter.value = initial; }
    apply();
  }

  // Sortable tables: a button in each column heading.
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    heads.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = button.getAttribute("data-type") === "num";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) { return row.cells[column].getAttribute("data-value") || ""; };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
