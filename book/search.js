/*
 * search.js: the HTML book's search box, offline.
 *
 * The index is search-index.js beside the pages (book/searchindex.c,
 * made when the book is built): a script that sets window.BOOK_SEARCH,
 * loaded the first time the box is used, so it works from file:// as well
 * as from a server, and costs nothing on a page where nobody searches.
 * Without JavaScript there is no box: nothing on the page is dead.
 *
 * A query is words; a result holds every one of them (case ignored).
 * Identifiers the book defines come first (the whole query equal to the
 * name, then starting it), then code chunks whose name holds the words,
 * then sections, those with the words in their heading first, each with
 * the text around its first match. Keys: / focuses the box, the arrows
 * move through the results, Enter follows one, Escape closes them.
 *
 * window.bookSearch.query(text) gives the results as data (for the tests,
 * book/tests/search/).
 */
(function () {
  "use strict";

  var MAX_RESULTS = 40;
  var index = null;          /* window.BOOK_SEARCH once loaded */
  var loading = false;
  var pending = null;        /* a query typed before the index came */

  function lower(s) { return s.toLowerCase(); }
  function terms(q) { return lower(q).split(/\s+/).filter(function (t) { return t.length > 0; }); }
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function pageTitle(i) {
    var t = index.pages[i][1];
    var k = t.lastIndexOf(" \u00b7 ");
    return k > 0 ? t.slice(0, k) : t;
  }
  function href(page, anchor) { return index.pages[page][0] + (anchor ? "#" + anchor : ""); }
  function count(hay, t) {
    var n = 0, k = hay.indexOf(t);
    while (k >= 0 && n < 20) { n++; k = hay.indexOf(t, k + t.length); }
    return n;
  }

  /* The text around the first match of ts in text, as HTML, the words marked. */
  function snippet(text, ts) {
    var low = lower(text), at = -1;
    for (var i = 0; i < ts.length && at < 0; i++) at = low.indexOf(ts[i]);
    if (at < 0) at = 0;
    var from = Math.max(0, at - 60), to = Math.min(text.length, at + 110);
    while (from > 0 && from > at - 80 && text.charAt(from - 1) !== " ") from--;
    while (to < text.length && to < at + 130 && text.charAt(to) !== " ") to++;
    var s = text.slice(from, to), html = "", ls = lower(s), k = 0;
    while (k < s.length) {
      var best = -1, len = 0;
      for (var j = 0; j < ts.length; j++) {
        var p = ls.indexOf(ts[j], k);
        if (p >= 0 && (best < 0 || p < best)) { best = p; len = ts[j].length; }
      }
      if (best < 0) { html += escapeHtml(s.slice(k)); break; }
      html += escapeHtml(s.slice(k, best)) + "<mark>" + escapeHtml(s.slice(best, best + len)) + "</mark>";
      k = best + len;
    }
    return (from > 0 ? "\u2026" : "") + html + (to < text.length ? "\u2026" : "");
  }

  /* The results for q: [{kind, title, where, href, snippet (HTML), score}]. */
  function query(q) {
    var ts = terms(q), out = [];
    if (!index || ts.length === 0 || lower(q).trim().length < 2) return out;
    var whole = ts.join(" ");
    if (ts.length === 1) {
      index.ids.forEach(function (d) {
        var n = lower(d[0]), s = n === whole ? 300 : n.indexOf(whole) === 0 ? 200 : 0;
        if (s) out.push({ kind: "identifier", title: d[0], where: pageTitle(d[1]),
                          href: href(d[1], d[2]), snippet: "", score: s - n.length / 100 });
      });
    }
    index.chunks.forEach(function (c) {
      var n = lower(c[0].replace(/[\u27e8\u27e9]/g, ""));
      if (ts.every(function (t) { return n.indexOf(t) >= 0; }))
        out.push({ kind: "chunk " + c[3], title: c[0], where: pageTitle(c[1]), href: href(c[1], c[2]),
                   snippet: "", score: (n === whole ? 190 : 150) - n.length / 100 });
    });
    index.sections.forEach(function (s, i) {
      var head = lower(s[2]), text = lower(s[3]);
      if (!ts.every(function (t) { return head.indexOf(t) >= 0 || text.indexOf(t) >= 0; })) return;
      var score = 0;
      ts.forEach(function (t) { score += (head.indexOf(t) >= 0 ? 40 : 0) + count(text, t); });
      out.push({ kind: "section", title: s[2] || pageTitle(s[0]), where: pageTitle(s[0]),
                 href: href(s[0], s[1]), snippet: snippet(s[3], ts), score: score - i / 1e5 });
    });
    out.sort(function (a, b) { return b.score - a.score; });
    return out.slice(0, MAX_RESULTS);
  }

  function load(then) {
    if (index) { then(); return; }
    pending = then;
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = "search-index.js";
    s.onload = function () {
      index = window.BOOK_SEARCH || null;
      if (pending) pending();
      pending = null;
    };
    s.onerror = function () { loading = false; };
    document.head.appendChild(s);
  }

  function build() {
    var header = document.querySelector("header.site");
    if (!header) return;
    var form = document.createElement("form");
    form.className = "search";
    form.setAttribute("role", "search");
    form.innerHTML = '<input type="search" placeholder="Search the book ( / )" aria-label="Search the book"' +
      ' autocomplete="off" spellcheck="false"><div class="search-results" role="listbox" hidden></div>';
    var title = header.querySelector(".booktitle");
    header.insertBefore(form, title ? title.nextSibling : header.firstChild);
    var input = form.querySelector("input"), box = form.querySelector(".search-results");
    var selected = -1, timer = null;

    function links() { return box.querySelectorAll("a"); }
    function select(k) {
      var as = links();
      if (as.length === 0) return;
      selected = (k + as.length) % as.length;
      for (var i = 0; i < as.length; i++) as[i].setAttribute("aria-selected", i === selected ? "true" : "false");
      as[selected].scrollIntoView({ block: "nearest" });
    }
    function show() {
      var q = input.value, rs = query(q);
      selected = -1;
      if (lower(q).trim().length < 2) { box.hidden = true; box.innerHTML = ""; return; }
      if (!index) { box.hidden = false; box.innerHTML = '<p class="search-none">Loading the index\u2026</p>'; return; }
      box.innerHTML = rs.length === 0
        ? '<p class="search-none">Nothing in the book matches \u201c' + escapeHtml(q.trim()) + '\u201d.</p>'
        : rs.map(function (r) {
            return '<a role="option" href="' + escapeHtml(r.href) + '"><span class="search-kind">' +
              escapeHtml(r.kind) + '</span> <span class="search-title">' + escapeHtml(r.title) +
              '</span> <span class="search-where">' + escapeHtml(r.where) + '</span>' +
              (r.snippet ? '<span class="search-snippet">' + r.snippet + '</span>' : "") + "</a>";
          }).join("");
      box.hidden = false;
    }
    input.addEventListener("focus", function () { load(show); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { load(show); }, 80);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { select(selected + 1); e.preventDefault(); }
      else if (e.key === "ArrowUp") { select(selected - 1); e.preventDefault(); }
      else if (e.key === "Escape") { box.hidden = true; input.blur(); }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var as = links();
      if (as.length > 0) window.location.href = as[selected >= 0 ? selected : 0].getAttribute("href");
    });
    document.addEventListener("keydown", function (e) {
      var t = e.target && e.target.tagName;
      if (e.key === "/" && t !== "INPUT" && t !== "TEXTAREA" && !e.ctrlKey && !e.metaKey && !e.altKey) {
        input.focus();
        e.preventDefault();
      }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) box.hidden = true; });
  }

  window.bookSearch = {
    query: query,
    load: load,
    /* For the tests: use this index object instead of loading the file. */
    use: function (ix) { index = ix; }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
