// Full-text search with Pagefind's browser API. The index lives in
// pagefind/ next to this site; result URLs are made from the page's own
// location, so the site works from any sub-path. From file:// the browser
// will not load the index, so the page says what to do instead.
(function () {
  "use strict";
  var form = document.getElementById("rb:search");
  if (!form) { return; }
  var root = document.body.getAttribute("data-root") || "";
  var input = document.getElementById("rb:search-q");
  var status = document.getElementById("rb:search-status");
  var list = document.getElementById("rb:results");
  var partial = document.getElementById("rb:partial");
  var partialTitle = document.getElementById("rb:partial-title");
  var keys = ["owner", "status", "tag", "review"];

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  keys.forEach(function (k) { if (params.get(k)) { form.elements[k].value = params.get(k); } });

  if (location.protocol === "file:") {
    status.textContent = "Full-text search needs a web server: run `runbook serve`, or publish this folder with any static web server. The filter on the index page works without one.";
    status.className = "search-status notice";
    return;
  }

  var pagefind = null;
  function load() {
    if (!pagefind) {
      var base = new URL(root || "./", location.href);
      // Big sites are indexed in shards; the first loads the others.
      var shards = (form.getAttribute("data-shards") || "").split(" ").filter(Boolean);
      pagefind = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
        return pf.options({ baseUrl: base.pathname }).then(function () {
          pf.init();
          return Promise.all(shards.map(function (shard) {
            return pf.mergeIndex(new URL(shard, base).pathname, { baseUrl: base.pathname });
          }));
        }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  // Pagefind's excerpts mark matches with <mark>; keep only text and marks.
  function excerpt(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var p = document.createElement("p");
    p.className = "excerpt";
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.textContent = text; }
    return el;
  }

  // Pagefind falls back to shorter prefixes when a word is in no page at
  // all ("helm" finds "-h"), so its results alone cannot tell "this
  // runbook mentions helm" from "nothing does". A result counts as holding
  // the query when its text (or title) has a word starting with every query
  // term, a plural or -ing/-ed ending aside, as Pagefind's own stemming allows.
  function terms(query) {
    return query.toLowerCase().split(/\s+/).map(function (t) {
      t = t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
      var stem = t.replace(/(?:ing|ed|es|s)$/, "");
      return stem.length >= 3 ? stem : t;
    }).filter(Boolean);
  }
  function holds(r, words) {
    var text = " " + [r.meta.title || "", r.content || ""].join(" ").toLowerCase();
    return words.every(function (w) {
      var at = text.indexOf(w);
      while (at !== -1) {
        // A word starts here when the character before is not a letter or digit.
        if (!/[\p{L}\p{N}]/u.test(text.charAt(at - 1))) { return true; }
        at = text.indexOf(w, at + 1);
      }
      return false;
    });
  }

  function item(r, heading) {
    var li = element("li", "result");
    var title = element("a", "result-title", r.meta.title || r.url);
    title.href = r.url;
    var h = element(heading);
    h.appendChild(title);
    li.appendChild(h);
    var facts = [r.meta.owner, r.meta.status, r.meta.review].filter(Boolean).join(" · ");
    if (facts) { li.appendChild(element("p", "result-meta", facts)); }
    var sections = (r.sub_results || []).filter(function (s) { return s.url !== r.url && s.anchor; }).slice(0, 3);
    if (sections.length === 0) { li.appendChild(excerpt(r.excerpt)); }
    var ul = element("ul", "sections");
    sections.forEach(function (s) {
      var entry = element("li");
      var a = element("a", "section-link", s.title);
      a.href = s.url;
      entry.appendChild(a);
      entry.appendChild(excerpt(s.excerpt));
      ul.appendChild(entry);
    });
    if (sections.length) { li.appendChild(ul); }
    return li;
  }

  function show(results, total, query) {
    var words = terms(query);
    var whole = words.length ? results.filter(function (r) { return holds(r, words); }) : results;
    var close = results.filter(function (r) { return whole.indexOf(r) === -1; });
    list.replaceChildren();
    partial.replaceChildren();
    whole.forEach(function (r) { list.appendChild(item(r, "h2")); });
    close.forEach(function (r) { partial.appendChild(item(r, "h3")); });
    partialTitle.hidden = partial.hidden = close.length === 0;
    var quoted = (words.length > 1 ? "every word of \u201c" : "\u201c") + query + "\u201d";
    var more = total > results.length ? " Showing the first " + results.length + " results." : "";
    if (total === 0) {
      status.textContent = query ? "No runbook contains " + quoted + "." : "No runbook matches.";
    } else if (whole.length === 0) {
      status.textContent = "No runbook contains " + quoted + ". " +
        (close.length === 1 ? "1 runbook has" : close.length + " runbooks have") + " a partial match." + more;
    } else if (close.length) {
      status.textContent = whole.length + (whole.length === 1 ? " runbook contains " : " runbooks contain ") + quoted +
        "; " + close.length + " more " + (close.length === 1 ? "has" : "have") + " a partial match." + more;
    } else {
      status.textContent = total + (total === 1 ? " runbook matches." : " runbooks match.") + more;
    }
  }

  var latest = 0;
  function run(event) {
    if (event) { event.preventDefault(); }
    var query = input.value.trim();
    var filters = {};
    var url = new URLSearchParams();
    if (query) { url.set("q", query); }
    keys.forEach(function (k) {
      var v = form.elements[k].value;
      if (v) { filters[k] = v; url.set(k, v); }
    });
    history.replaceState(null, "", "?" + url.toString());
    var mine = ++latest;
    if (!query && Object.keys(filters).length === 0) {
      list.replaceChildren();
      partial.replaceChildren();
      partialTitle.hidden = partial.hidden = true;
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    load().then(function (pf) {
      return pf.search(query || null, { filters: filters });
    }).then(function (search) {
      if (mine !== latest || !search) { return null; }
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); })).then(function (data) {
        if (mine === latest) { show(data, search.results.length, query); }
      });
    }).catch(function (error) {
      status.textContent = "The search index could not be loaded (" + error.message + "). Rebuild the site with `runbook build`.";
    });
  }

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
  form.addEventListener("change", function () { run(); });
  form.addEventListener("submit", run);
  run();
})();
