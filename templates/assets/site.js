// Small enhancements every page shares: copy buttons, the "/" shortcut,
// the index page's quick filter and sortable tables. Plain script, no
// fetch, so it works from file:// as well as from a server.
(function () {
  "use strict";

  // Controls that only work with script (copy buttons, the index filter)
  // are hidden by the stylesheet until this class is set.
  // This file is loaded with `defer` from <head>: it runs before the page
  // is first shown in practice, so nothing flashes in or out.
  document.documentElement.classList.add("js");

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http:// on another host: the old way, through a selected
    // textarea. Selecting it moves the focus, so it goes back afterwards;
    // a keyboard user stays on the button, not at the top of the page.
    return new Promise(function (resolve, reject) {
      var before = document.activeElement;
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (before && before.focus) { before.focus({ preventScroll: true }); }
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  // Screen readers hear the outcome of a copy from this polite status.
  var said = null;
  function say(message) {
    if (!said) {
      said = document.createElement("p");
      said.id = "rb:copy-status";
      said.className = "visually-hidden";
      said.setAttribute("role", "status");
      document.body.appendChild(said);
    }
    // Emptied first, so the same message twice is announced twice.
    said.textContent = "";
    setTimeout(function () { said.textContent = message; }, 50);
  }

  function label(button, text, name) {
    button.textContent = text;
    // While it shows an outcome, the button is named by what it shows.
    if (name) { button.setAttribute("aria-label", name); } else { button.removeAttribute("aria-label"); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) { return; }
    var code = button.parentElement.querySelector("pre code, pre");
    if (!code) { return; }
    if (!button.hasAttribute("data-label")) { button.setAttribute("data-label", button.getAttribute("aria-label") || ""); }
    clearTimeout(button.rbTimer);
    label(button, "Copy", button.getAttribute("data-label"));
    // A transcript's command lines are marked when the site is built, by
    // the rule `runbook extract` runs them by: copy those, no prompt, no output.
    var text = button.parentElement.classList.contains("transcript")
      ? Array.prototype.map.call(code.querySelectorAll(".cmd"), function (c) { return c.textContent; }).join("\n")
      : code.textContent;
    // No trailing newline: pasted into a shell, it would run the last
    // command before the engineer has read it.
    text = text.replace(/\s+$/, "");
    copyText(text).then(function () {
      label(button, "Copied");
      say("Copied to the clipboard.");
      button.rbTimer = setTimeout(function () { label(button, "Copy", button.getAttribute("data-label")); }, 1600);
    }, function () {
      // Stays until the button is used again: the engineer has to act on it.
      label(button, "Select and copy");
      say("Copying did not work: select the code and copy it by hand.");
    });
  });

  // The lint findings panel is closed; a link to it (the dashboard's
  // finding counts) opens it.
  var openFindings = function () {
    var panel = document.getElementById("rb:findings");
    if (panel && location.hash === "#rb:findings") { panel.open = true; }
  };
  openFindings();
  window.addEventListener("hashchange", openFindings);

  // On a narrow screen the table of contents sits above the procedure:
  // closed there, so the first step is on the first screen.
  if (window.matchMedia && window.matchMedia("(max-width: 60rem)").matches) {
    Array.prototype.forEach.call(document.querySelectorAll(".toc details[open]"), function (d) { d.open = false; });
  }

  // "/" jumps to the search box (or the index filter), as on most doc sites.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) { return; }
    var box = document.getElementById("rb:filter") || document.getElementById("rb:search-q") || document.getElementById("rb:site-q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  // The quick filter: every term must appear in an item's data-filter.
  var filter = document.getElementById("rb:filter");
  if (filter) {
    var items = Array.prototype.slice.call(document.querySelectorAll("li[data-filter]"));
    var folders = Array.prototype.slice.call(document.querySelectorAll("[data-folder]"));
    var count = document.getElementById("rb:filter-count");
    var empty = document.getElementById("rb:filter-empty");
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

  // The 404 page. Links in alerts and chat often give the source file
  // (`deploy/rollback.md`) or leave out `.html`: offer the page that exists
  // (asked of the server first, so it is never a guess), and search for the
  // address's last part either way.
  if (document.body.getAttribute("data-kind") === "404") {
    var path = location.pathname;
    var last = path.split("/").pop();
    var name = last.replace(/\.(md|markdown|html?)$/i, "");
    var q = document.getElementById("rb:q");
    if (q && !q.value && name) {
      try { name = decodeURIComponent(name); } catch (e) { /* as written */ }
      q.value = name.replace(/[-_]+/g, " ");
    }
    var guess = /\.(md|markdown)$/i.test(last) ? path.replace(/\.(md|markdown)$/i, ".html")
      : last && last.indexOf(".") === -1 ? path + ".html" : null;
    var offer = document.getElementById("rb:did-you-mean");
    if (guess && offer && window.fetch) {
      fetch(guess, { method: "HEAD" }).then(function (response) {
        if (!response.ok) { return; }
        var link = offer.querySelector("a");
        link.href = guess;
        try { link.textContent = decodeURI(guess); } catch (e) { link.textContent = guess; }
        offer.hidden = false;
      }, function () { /* no server to ask: no offer */ });
    }
  }

  // A column heading's text as a sort button. The page has none of its
  // own: without script it would do nothing yet take a Tab stop.
  function sortButton(th) {
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    return button;
  }

  // Sortable tables: a button in each column heading with a data-type. A
  // heading that holds its button already (a `macros.html` overridden
  // before the buttons were made here) keeps it.
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    heads.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button && th.hasAttribute("data-type")) { button = sortButton(th); }
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = (th.getAttribute("data-type") || button.getAttribute("data-type")) === "num";
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
