/* cases.js: the built book's layout in headless Chromium (run.sh). pages.js (written by
   run.sh) sets window.LAYOUT: the book's directory as a file:// URL, its pages, and the
   fixture. Every page is loaded into an iframe 800 px high and measured at 390 and at
   1280 px wide (and, for 1 and 2, at 900 and 1248), with the book's own CSS and media
   queries:
     1. the page does not scroll sideways (documentElement.scrollWidth <= clientWidth + 1)
        and nothing of it sticks out of the window at either edge: wide code and figures
        scroll in their own box; nor with the search box's list of results open;
     2. the sidebar covers nothing: fixed beside the text (from 900 px), no box of the header,
        the text or the footer reaches under it; folded (390 px) it is hidden, and opened
        by its toggle it stacks above the text, the page still not scrolling sideways;
     3. at 1280 px no code block scrolls sideways (the chapters' lines are at most 80
        columns: make lint);
   then
     4. every chunk reference in code leads to a chunk's definition, and following one on
        its page and one to another page brings that definition into view;
     5. the search for "walk" gives first the identifier, linked to its definition (the
        page holding id-walk in chunk-walk's header, found in the pages); typed into the
        box, the list shows inside the window, and its first link shows the definition;
   and every check of 1-3 is shown to fail on fixture.html broken on purpose.
   Prints PASS:/FAIL: lines into #out, then DONE. */
(function () {
  "use strict";
  var L = window.LAYOUT, HEIGHT = 800, WIDE = 1280, MAXLINES = 10;
  /* the frames' widths, a phone's and a desktop's: every check; the sweep also measures
     each page where the sidebar first shows (900 px: the text at its narrowest) and just
     below the desktop's width, the sidebar folded away (a toggle) or fixed at the left */
  var WIDTHS = [390, WIDE], SIDEBAR = { 390: "folded", 900: "fixed", 1248: "fixed", 1280: "fixed" };
  var SWEEP = Object.keys(SIDEBAR).map(Number);
  var SVG = "http://www.w3.org/2000/svg";
  var lines = [];
  function check(ok, what) { lines.push((ok ? "PASS" : "FAIL") + ": layout: " + what); }
  function finish() {
    lines.push("DONE");
    document.getElementById("out").textContent = "layout: results\n" + lines.join("\n");
  }
  if (!L || !L.pages || L.pages.length === 0) { check(false, "pages.js lists the book's pages"); finish(); return; }

  var frames = {};
  WIDTHS.forEach(function (w) {
    var f = document.createElement("iframe");
    f.style.width = w + "px";
    f.style.height = HEIGHT + "px";
    f.title = w + " px";
    document.getElementById("frames").appendChild(f);
    frames[w] = f;
  });

  /* then(ok) once the frame's next document has loaded; ok: it can be read */
  function onLoad(f, then) {
    var done = false;
    var timer = setTimeout(function () { if (!done) { done = true; then(false); } }, 30000);
    f.onload = function () {
      if (done || f.contentWindow.location.href === "about:blank") return;
      done = true;
      clearTimeout(timer);
      var d = null;
      try { d = f.contentDocument; } catch (e) { d = null; }
      then(!!(d && d.body));
    };
  }
  function load(f, url, then) { onLoad(f, then); f.src = url; }
  function pageOf(w) { return decodeURIComponent(w.location.pathname.split("/").pop()) + w.location.search; }
  function px(x) { return Math.round(x); }
  function describe(el) {
    var s = el.tagName.toLowerCase(), c = el.getAttribute("class");
    if (el.id) s += "#" + el.id;
    if (c && c.trim()) s += "." + c.trim().split(/\s+/).join(".");
    return s;
  }
  function where(el) {
    var r = el.getBoundingClientRect();
    return describe(el) + " (x " + px(r.left) + " to " + px(r.right) + ")";
  }
  /* The first element under root, in document order and outermost first, whose box bad()
     finds wrong; not looking inside a box that clips its content (it scrolls), nor an SVG's
     drawing, nor an element skip() leaves out. */
  function find(w, root, bad, skip) {
    for (var c = root.firstElementChild; c; c = c.nextElementSibling) {
      if (c.tagName === "SCRIPT" || c.tagName === "STYLE" || (skip && skip(c))) continue;
      if (bad(c.getBoundingClientRect())) return c;
      if (c.namespaceURI === SVG || w.getComputedStyle(c).overflowX !== "visible") continue;
      var f = find(w, c, bad, skip);
      if (f) return f;
    }
    return null;
  }

  /* check 1: [] or what is wrong */
  function sideways(w, d, when) {
    var de = d.documentElement, cw = de.clientWidth, over = de.scrollWidth - cw;
    var el = find(w, d.body, function (r) { return r.width > 0 && (r.right > cw + 1 || r.left < -1); });
    if (over > 1)
      return ["scrolls sideways by " + over + " px" + when + ": " + (el ? where(el) : "no element found") + ", window " + cw + " px"];
    if (el) return ["cuts off " + where(el) + when + ", window " + cw + " px"];
    return [];
  }
  /* check 2: {state: "hidden" | "fixed" | "stacked", bad: [] or what is wrong} */
  function sidebar(w, d, when) {
    var sb = d.getElementById("sidebar");
    if (!sb) return { state: "none", bad: ["no nav#sidebar" + when] };
    var cs = w.getComputedStyle(sb), s = sb.getBoundingClientRect();
    if (cs.display === "none" || cs.visibility === "hidden" || s.width === 0 || s.height === 0)
      return { state: "hidden", bad: [] };
    var fixed = cs.position === "fixed";
    /* fixed: it stays at its place as the page scrolls; nothing may reach under it, at any height */
    var el = find(w, d.body, function (r) {
      if (r.width < 0.5 || r.height < 0.5) return false;
      var x = r.left < s.right - 0.5 && r.right > s.left + 0.5;
      return fixed ? x : x && r.top < s.bottom - 0.5 && r.bottom > s.top + 0.5;
    }, function (c) { return c === sb || c.classList.contains("toc-toggle") || c.classList.contains("toc-label"); });
    var state = fixed ? "fixed" : "stacked";
    return { state: state, side: px(s.left) + " to " + px(s.right),
             bad: el ? ["the sidebar (" + state + ", x " + px(s.left) + " to " + px(s.right) + ", y " + px(s.top) + " to " +
                       px(s.bottom) + ") covers " + where(el) + when] : [] };
  }
  /* check 3: every pre and the div.sourceCode around it fit their box */
  function codeBlocks(d) {
    var pres = d.querySelectorAll("pre"), bad = [], first = null;
    for (var i = 0; i < pres.length; i++) {
      var p = pres[i], box = p.parentElement.matches("div.sourceCode") ? p.parentElement : p;
      var over = Math.max(box.scrollWidth - box.clientWidth, p.scrollWidth - p.clientWidth);
      if (over > 1) {
        bad.push(p);
        if (!first) {
          var ls = p.textContent.split("\n"), longest = 0;
          ls.forEach(function (l) { longest = Math.max(longest, l.length); });
          first = describe(box) + " number " + (i + 1) + " scrolls sideways by " + over + " px in its " + box.clientWidth +
                  " (its longest line " + longest + " columns), first line '" + ls[0].slice(0, 90) + "'";
        }
      }
    }
    return { n: pres.length, bad: first ? [first + (bad.length > 1 ? "; and " + (bad.length - 1) + " more blocks" : "")] : [] };
  }
  /* the smallest text of the page's figures, in px as drawn (an SVG's font sizes are in
     its viewBox's units); the figure it is in */
  var MINTEXT = 9;
  function figureText(d) {
    var figs = d.querySelectorAll("figure svg"), bad = [], n = 0, least = Infinity;
    for (var i = 0; i < figs.length; i++) {
      var svg = figs[i], vb = svg.viewBox && svg.viewBox.baseVal, rw = svg.getBoundingClientRect().width;
      if (!vb || !vb.width || !rw) continue;
      var texts = svg.querySelectorAll("text"), small = Infinity;
      for (var k = 0; k < texts.length; k++) {
        var fs = parseFloat(texts[k].getAttribute("font-size") || "14");
        small = Math.min(small, fs * rw / vb.width);
      }
      if (small === Infinity) continue;
      n++;
      least = Math.min(least, small);
      if (small < MINTEXT)
        bad.push("figure " + (i + 1) + " (" + (svg.closest("figure").querySelector("figcaption") || { textContent: "" })
                 .textContent.slice(0, 60) + "): its smallest text drawn " + small.toFixed(1) + " px, under " + MINTEXT);
    }
    return { n: n, least: least, bad: bad };
  }
  /* all the checks of one page at one width */
  function measure(f, width, book) {
    var w = f.contentWindow, d = f.contentDocument, r = { scroll: [], overlap: [], pre: [], blocks: 0, states: [],
                                                          text: [], figs: 0, least: Infinity };
    r.scroll = sideways(w, d, "");
    var sb = sidebar(w, d, "");
    r.overlap = sb.bad;
    r.states.push(sb.state);
    r.side = sb.side;
    var toggle = d.getElementById("toc-toggle");
    if (sb.state === "hidden" && toggle) {
      /* folded on a narrow screen: opened, it must stack above the text */
      toggle.checked = true;
      var open = sidebar(w, d, " (opened)");
      r.overlap = r.overlap.concat(open.bad);
      r.states.push(open.state);
      if (open.state === "hidden") r.overlap.push("the Contents toggle does not show the sidebar");
      r.scroll = r.scroll.concat(sideways(w, d, " (sidebar opened)"));
      toggle.checked = false;
    }
    /* the search list, open under the box (its width is the style sheet's, whatever it lists) */
    var list = d.querySelector("header.site .search-results");
    if (list) {
      var hidden = list.hidden, html = list.innerHTML;
      list.innerHTML = '<p class="search-none">Nothing in the book matches \u201ca query long enough to fill a line\u201d.</p>';
      list.hidden = false;
      r.scroll = r.scroll.concat(sideways(w, d, " (search list open)"));
      list.innerHTML = html;
      list.hidden = hidden;
    } else if (book) {
      r.scroll.push("no search box in the header (search.js)");
    }
    if (width === 390) {
      var ft = figureText(d);
      r.text = ft.bad;
      r.figs = ft.n;
      r.least = ft.least;
    }
    if (width === WIDE) {
      /* every figure has its Full size button (figure.js), which opens the figure's own
         SVG: the same drawing, every text of it */
      var figs = d.querySelectorAll("figure.graphviz");
      r.figs = figs.length;
      for (var i = 0; i < figs.length; i++) {
        var fsvg = figs[i].querySelector("svg"), btn = figs[i].querySelector("button.fig-full");
        if (!btn) { r.text.push("figure " + (i + 1) + ": no Full size button"); continue; }
        var text = w.bookFigure && w.bookFigure.svgText(figs[i]);
        var doc = text && new DOMParser().parseFromString(text, "image/svg+xml");
        var root = doc && doc.documentElement;
        if (!root || root.localName !== "svg" || root.getElementsByTagName("parsererror").length ||
            root.getElementsByTagName("text").length !== fsvg.querySelectorAll("text").length)
          r.text.push("figure " + (i + 1) + ": its Full size SVG is not the figure's drawing");
      }
      var cb = codeBlocks(d);
      r.pre = cb.bad;
      r.blocks = cb.n;
    }
    return r;
  }

  /* --- the sweep: every page at both widths */
  var results = {}, chunkTops = {}, refs = [], walkPages = [], unread = [];
  SWEEP.forEach(function (w) { results[w] = []; chunkTops[w] = {}; });
  function collect(f, width, page) {
    var w = f.contentWindow, d = f.contentDocument, tops = {};
    d.querySelectorAll("div.chunk[id]").forEach(function (c) {
      if (c.querySelector(":scope > .chunkhead .chunkdef")) tops[c.id] = c.getBoundingClientRect().top + w.scrollY;
    });
    chunkTops[width][page] = tops;
    if (width !== SWEEP[0]) return;
    d.querySelectorAll("pre a.chunkref").forEach(function (a, i) {
      refs.push({ page: page, i: i, href: a.getAttribute("href") });
    });
    var wd = d.getElementById("id-walk");
    if (wd) walkPages.push({ page: page, inHead: !!wd.closest("div.chunk#chunk-walk > .chunkhead") });
  }
  /* Each page is loaded once, into the wide frame, and measured at each width in turn,
     the frame resized as a reader resizes a window (the book's scripts do not look at
     the width): half the time of loading every page twice. */
  function sweep(k, then) {
    if (k === L.pages.length) { frames[WIDE].style.width = WIDE + "px"; then(); return; }
    var page = L.pages[k], f = frames[WIDE];
    load(f, L.book + page, function (ok) {
      SWEEP.forEach(function (width) {
        f.style.width = width + "px";
        if (!ok) { unread.push(page + " at " + width + " px"); return; }
        var r = measure(f, width, true);
        r.page = page;
        results[width].push(r);
        collect(f, width, page);
      });
      f.style.width = WIDE + "px";
      sweep(k + 1, then);
    });
  }
  function report(width, key, name, pass) {
    var bad = results[width].filter(function (r) { return r[key].length > 0; });
    bad.slice(0, MAXLINES).forEach(function (r) {
      r[key].forEach(function (m) { check(false, width + " px: " + name + ": " + r.page + ": " + m); });
    });
    if (bad.length > MAXLINES) check(false, width + " px: " + name + ": and " + (bad.length - MAXLINES) + " more pages");
    if (bad.length === 0) check(true, width + " px: " + pass);
  }
  function reportSweep() {
    var n = L.pages.length;
    check(unread.length === 0, "all " + n + " pages load and can be read" +
          (unread.length ? ": not " + unread.slice(0, 5).join(", ") + " (run chromium with --allow-file-access-from-files)" : ""));
    SWEEP.forEach(function (width) {
      var rs = results[width], folded = SIDEBAR[width] === "folded";
      report(width, "scroll", "sideways", rs.length + " pages, none scrolls sideways or sticks out of the window" +
             (folded ? ", the sidebar folded or opened" : "") + ", the search list closed or open");
      var states = {};
      rs.forEach(function (r) { states[r.states.join("/")] = (states[r.states.join("/")] || 0) + 1; });
      var desc = Object.keys(states).map(function (s) { return states[s] + " " + s; }).join(", ");
      var want = folded ? "hidden/stacked" : "fixed";
      if (!folded) {
        var sides = {};
        rs.forEach(function (r) { if (r.side) sides[r.side] = 1; });
        report(width, "overlap", "sidebar", "the sidebar (" + desc + ", x " + Object.keys(sides).join(" or ") +
               ") covers nothing of the header, text or footer on " + rs.length + " pages");
      } else {
        report(width, "overlap", "sidebar", "the sidebar folded away on " + (states[want] || 0) + " of " + rs.length +
               " pages (" + desc + "); opened, it stacks clear of the text");
      }
      if ((states[want] || 0) !== rs.length)
        check(false, width + " px: sidebar: not " + (folded ? "folded away (hidden, opened stacked)" : "fixed") + " on every page: " + desc);
      if (width === 390) {
        var nf = 0, least = Infinity;
        rs.forEach(function (r) { nf += r.figs; least = Math.min(least, r.least); });
        report(width, "text", "figure text", nf + " figures on " + rs.length + " pages, their smallest text drawn at " +
               least.toFixed(1) + " px or more (at least " + MINTEXT + "; a figure keeps its size and scrolls in its box)");
      }
      if (width === WIDE) {
        var nfw = 0;
        rs.forEach(function (r) { nfw += r.figs; });
        report(width, "text", "figures", nfw + " figures on " + rs.length + " pages, each with a Full size button " +
               "that opens its own drawing (an SVG of the same texts)");
        var nb = 0;
        rs.forEach(function (r) { nb += r.blocks; });
        report(width, "pre", "code", nb + " code blocks on " + rs.length + " pages, none scrolls sideways");
      }
    });
  }

  /* --- check 4: chunk references */
  function idOf(href) { return decodeURIComponent(href.slice(href.indexOf("#") + 1)); }
  function pageOfRef(r) { var p = r.href.slice(0, r.href.indexOf("#")); return p || r.page; }
  function chunkRefs() {
    var bad = [], pages = {};
    refs.forEach(function (r) {
      pages[r.page] = 1;
      var tops = chunkTops[SWEEP[0]][pageOfRef(r)];
      if (r.href.indexOf("#") < 0 || !tops || !(idOf(r.href) in tops)) bad.push(r.page + ": '" + r.href + "'");
    });
    check(refs.length > 0 && bad.length === 0, "all " + refs.length + " chunk references in the code of " + Object.keys(pages).length +
          " pages lead to a chunk's definition" + (bad.length ? "; not " + bad.slice(0, 5).join(", ") : ""));
  }
  /* follow: the first reference whose target is below the first screen, on its page (same)
     or another, clicked in the frame */
  function follow(width, same, then) {
    var f = frames[width], name = width + " px: a chunk reference to " + (same ? "its own page" : "another page");
    var ref = refs.filter(function (r) {
      var tp = pageOfRef(r), tops = chunkTops[width][tp];
      return (tp === r.page) === same && tops && tops[idOf(r.href)] > HEIGHT;
    })[0];
    if (!ref) { check(false, name + ": none found whose chunk is below the first screen"); then(); return; }
    var id = idOf(ref.href), target = pageOfRef(ref), what = ref.page + " '" + ref.href + "'";
    load(f, L.book + ref.page, function (ok) {
      var a = ok && f.contentDocument.querySelectorAll("pre a.chunkref")[ref.i];
      if (!a || a.getAttribute("href") !== ref.href) { check(false, name + ": " + what + " not found again"); then(); return; }
      var checked = false;
      function verify() {
        if (checked) return;
        checked = true;
        var w = f.contentWindow, d = f.contentDocument, el = d.getElementById(id);
        var isDef = !!(el && el.matches("div.chunk") && el.querySelector(":scope > .chunkhead .chunkdef"));
        var top = el ? el.getBoundingClientRect().top : NaN;
        var ok = pageOf(w) === target && w.location.hash === "#" + id && isDef &&
                 top >= -1 && top < w.innerHeight && w.scrollY > 0;
        check(ok, name + " lands on its chunk: " + what + " to " + pageOf(w) + w.location.hash + ", " +
              (isDef ? "a chunk definition" : el ? "not a chunk definition: " + describe(el) : "no such element") +
              ", its top at y = " + px(top) + " of " + w.innerHeight + " (scrolled " + px(w.scrollY) + " px)");
        then();
      }
      if (same) {
        f.contentWindow.addEventListener("hashchange", function () { setTimeout(verify, 100); }, { once: true });
        setTimeout(verify, 5000);
      } else {
        onLoad(f, function () { setTimeout(verify, 100); });
      }
      a.click();
    });
  }

  /* --- check 5: the search for walk, from a page other than walk's */
  function search(width, then) {
    var f = frames[width], wp = walkPages.length === 1 ? walkPages[0] : null;
    if (width === WIDTHS[0])
      check(!!wp && wp.inHead && /^04-/.test(wp.page), "search: walk is defined on one page of chapter 4, in the header of chunk-walk: " +
            (walkPages.map(function (p) { return p.page + (p.inHead ? "" : " (not in chunk-walk's header)"); }).join(", ") || "none"));
    if (!wp) { then(); return; }
    var want = wp.page + "#id-walk", start = L.pages.filter(function (p) { return p !== wp.page && /^0/.test(p); })[0] || L.pages[0];
    load(f, L.book + start, function (ok) {
      var w = f.contentWindow, d = f.contentDocument, S = ok && w.bookSearch;
      if (!S) { check(false, width + " px: search: " + start + " has no window.bookSearch"); then(); return; }
      S.load(function () {
        var r = S.query("walk");
        if (width === WIDTHS[0])
          check(r.length > 0 && r[0].kind === "identifier" && r[0].title === "walk" && r[0].href === want,
                "search: 'walk' on " + start + " gives first the identifier walk, linked to its definition " + want +
                " (" + (r[0] ? r[0].kind + " " + r[0].title + " " + r[0].href : "nothing") + ")");
        var input = d.querySelector("header.site form.search input");
        if (!input) { check(false, width + " px: search: no box in " + start + "'s header"); then(); return; }
        input.value = "walk";
        input.dispatchEvent(new w.Event("input"));
        setTimeout(function () {
          var box = d.querySelector(".search-results"), a = box && box.querySelector("a"), de = d.documentElement;
          var br = box ? box.getBoundingClientRect() : null, cw = de.clientWidth;
          var shown = !!(box && !box.hidden && br.height > 0);
          check(shown && a && a.getAttribute("href") === want && br.left >= -1 && br.right <= cw + 1 && de.scrollWidth <= cw + 1,
                width + " px: search: typed 'walk', the list shows inside the window (x " + (br ? px(br.left) + " to " + px(br.right) : "?") +
                " of " + cw + ", page " + de.scrollWidth + " wide), first " + (a ? a.getAttribute("href") : "nothing"));
          if (!a) { then(); return; }
          onLoad(f, function () {
            setTimeout(function () {
              var w2 = f.contentWindow, el = f.contentDocument.getElementById("id-walk");
              var top = el ? el.getBoundingClientRect().top : NaN;
              check(pageOf(w2) + w2.location.hash === want && el && el.closest("div.chunk#chunk-walk") &&
                    top >= -1 && top < w2.innerHeight && w2.scrollY > 0,
                    width + " px: search: its first result shows walk's definition (" + pageOf(w2) + w2.location.hash +
                    ", top at y = " + px(top) + ", scrolled " + px(w2.scrollY) + " px)");
              then();
            }, 100);
          });
          a.click();
        }, 400);
      });
    });
  }

  /* --- the checker can fail: fixture.html broken on purpose */
  function fixture(mode, then) {
    var got = {}, left = WIDTHS.length;
    WIDTHS.forEach(function (width) {
      var f = frames[width];
      load(f, L.fixture + "?" + mode, function (ok) {
        got[width] = ok ? measure(f, width, false) : null;
        if (--left === 0) then(got);
      });
    });
  }
  function all(r, key) { return r ? r[key].join("; ") : "did not load"; }
  function fixtures(then) {
    fixture("clean", function (g) {
      var ok = WIDTHS.every(function (w) { return g[w] && !g[w].scroll.length && !g[w].overlap.length && !g[w].pre.length; });
      check(ok, "the checker passes a clean page shaped as the book's, with an 80-column code line (fixture)" + (ok ? "" : ": " +
            WIDTHS.map(function (w) { return w + " px: " + all(g[w], "scroll") + all(g[w], "overlap") + all(g[w], "pre"); }).join(" | ")));
      fixture("wide", function (g) {
        var ok = WIDTHS.every(function (w) { return g[w] && /^scrolls sideways by \d+ px: div#wide/.test(g[w].scroll[0] || ""); });
        check(ok, "the checker finds a page that scrolls sideways (fixture: " + all(g[WIDTHS[0]], "scroll") + ")");
        fixture("pre", function (g) {
          var r = g[WIDE], ok = r && /longest line 200 columns/.test(r.pre[0] || "") && r.scroll.length === 0;
          check(ok, "the checker finds a code block that scrolls sideways at " + WIDE + " px, the page itself not (fixture: " + all(r, "pre") + (r && r.scroll.length ? "; but the page: " + all(r, "scroll") : "") + ")");
          fixture("overlap", function (g) {
            var r = g[WIDE], ok = r && /covers main /.test(r.overlap[0] || "");
            check(ok, "the checker finds the sidebar over the text (fixture: " + all(r, "overlap") + ")");
            then();
          });
        });
      });
    });
  }

  var t0 = Date.now();
  sweep(0, function () {
    reportSweep();
    chunkRefs();
    var steps = [];
    WIDTHS.forEach(function (w) {
      steps.push(function (next) { follow(w, true, next); });
      steps.push(function (next) { follow(w, false, next); });
    });
    WIDTHS.forEach(function (w) { steps.push(function (next) { search(w, next); }); });
    steps.push(fixtures);
    (function run(k) {
      if (k === steps.length) { lines.push("(" + (Date.now() - t0) + " ms of page time)"); finish(); return; }
      steps[k](function () { run(k + 1); });
    })(0);
  });
})();
