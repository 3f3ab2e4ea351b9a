// Live reload for `runbook serve`; never part of a built site. Listens to
// the server's events, reloads this page when it was rebuilt, and shows
// lint findings (a dismissible panel) and build errors (an overlay). Text
// from files is only ever set as textContent, never parsed as HTML.
(() => {
  "use strict";
  const kind = document.body ? document.body.dataset.kind || "" : "";
  // The pages this URL may show: a folder's URL shows its index.md's page,
  // else its README's (src/serve/files.rs), so a change to any of them
  // reloads it.
  const path = location.pathname.replace(/^\/+/, "");
  const here = path === "" || path.endsWith("/")
    ? ["index.html", "README.html", "readme.html"].map((name) => path + name)
    : [path];

  // A reload the author did not ask for keeps their place: the browser
  // keeps the scroll position, this keeps the focus. The focused element is
  // found again by its id, or else as the nth of its kind (same tag, class
  // and link): copy buttons have no id, and a save can add elements above
  // (the findings), so a plain position in the page would drift.
  const FOCUS_KEY = "runbook-live-focus";
  const alike = (tag, cls, href) => Array.from(document.getElementsByTagName(tag))
    .filter((e) => e.className === cls && e.getAttribute("href") === href);
  const keepFocus = () => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return;
    const tag = el.tagName, cls = el.className, href = el.getAttribute("href");
    sessionStorage.setItem(FOCUS_KEY, JSON.stringify({
      page: location.pathname, id: el.id, tag, cls, href, nth: alike(tag, cls, href).indexOf(el),
    }));
  };
  const restoreFocus = () => {
    let saved;
    try { saved = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null"); } catch { saved = null; }
    sessionStorage.removeItem(FOCUS_KEY);
    if (!saved || saved.page !== location.pathname) return;
    const el = (saved.id && document.getElementById(saved.id)) ||
      (saved.nth >= 0 ? alike(saved.tag, saved.cls, saved.href)[saved.nth] : null);
    if (el) el.focus({ preventScroll: true });
  };
  restoreFocus();

  const box = (id, css) => {
    let el = document.getElementById(id);
    if (el) el.remove();
    el = document.createElement("div");
    el.id = id;
    el.setAttribute("role", id === "rb:live-error" ? "alert" : "status");
    el.style.cssText = "position:fixed;z-index:2147483647;font:13px/1.4 ui-monospace,monospace;" +
      "background:Canvas;color:CanvasText;border:2px solid;padding:.75em 1em;overflow:auto;" + css;
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.style.cssText = "float:right;margin-left:1em";
    const dismiss = () => {
      el.remove();
      if (id === "rb:live-findings") sessionStorage.setItem("runbook-live-dismissed", String(shown));
    };
    close.addEventListener("click", dismiss);
    el.dismiss = dismiss;
    el.append(close);
    document.body.append(el);
    return el;
  };
  const line = (parent, tag, text) => {
    const el = document.createElement(tag);
    el.textContent = text;
    parent.append(el);
    return el;
  };

  let shown = 0;
  const show = (msg) => {
    shown = msg.generation || 0;
    const old = document.getElementById("rb:live-error");
    if (old) old.remove();
    if (msg.error) {
      const el = box("rb:live-error", "inset:10% 10% auto 10%;max-height:80%;border-color:#c00");
      line(el, "strong", kind === "not-built"
        ? "runbook: the site did not build; this page reloads once a save fixes it."
        : "runbook: the last change did not build; this is the last good page.");
      const pre = line(el, "pre", msg.error);
      pre.style.whiteSpace = "pre-wrap";
      return;
    }
    const panel = document.getElementById("rb:live-findings");
    if (panel) panel.remove();
    const findings = msg.findings || [];
    if (!findings.length || sessionStorage.getItem("runbook-live-dismissed") === String(shown)) return;
    const el = box("rb:live-findings", "right:1em;bottom:1em;max-width:40em;max-height:40%");
    line(el, "strong", findings.length === 1 ? "1 lint finding" : findings.length + " lint findings");
    const list = line(el, "ul", "");
    list.style.cssText = "margin:.5em 0 0;padding-left:1.2em";
    for (const f of findings) {
      line(list, "li", `${f.path}:${f.line}:${f.col} ${f.severity}[${f.rule}] ${f.message}`);
    }
  };

  // Escape closes the findings panel, which can cover what has the focus
  // (it sits over the bottom right of the page). The error overlay stays:
  // it is the page's state until a save fixes it.
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    const panel = document.getElementById("rb:live-findings");
    if (panel && panel.dismiss) panel.dismiss();
  });

  const affected = (msg) =>
    msg.scope === "all" ||
    (msg.scope === "site" && kind !== "runbook") ||
    (msg.scope === "pages" && (msg.pages || []).some((page) => here.includes(page)));

  fetch("/__runbook/state").then((r) => r.json()).then(show).catch(() => {});
  const events = new EventSource("/__runbook/events");
  // Marks the page as listening (and not), for people and tests alike.
  events.onopen = () => { document.documentElement.dataset.live = "open"; };
  events.onerror = () => { document.documentElement.dataset.live = "closed"; };
  events.onmessage = (e) => {
    let msg;
    try { msg = JSON.parse(e.data); } catch { return; }
    if (!msg.error && affected(msg)) {
      keepFocus();
      location.reload();
    }
    else show(msg);
  };
})();
