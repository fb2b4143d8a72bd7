/* reader.js: the EPUB as a reader shows it, in headless Chromium (run.sh). spine.js
   (written by run.sh) sets window.EPUB: the unpacked EPUB's directory as a file:// URL,
   its spine's documents in reading order, and the fixtures. Every document is loaded
   into an iframe 360 px wide (a phone's reading app) and one 600 px wide (an e-reader),
   as XHTML (an XML parser: a document that is not well-formed shows a parsererror),
   with its own style sheet, and checked:
     1. it parses as XHTML;
     2. the book's EPUB style sheet applies (pre wraps its lines);
     3. nothing is wider than the page: the document does not scroll sideways, and no
        box sticks out of it (a reader cannot scroll a page sideways);
     4. every image loads and fits the page; a figure's smallest text, at the size the
        page draws it, is at least MINTEXT[width] px (its SVG read for its text sizes).
   Then every check is shown to fail on the fixtures: a document that is not
   well-formed, and one with a wide box, an unloadable image and a figure whose text
   the page shrinks below the limit. Prints PASS:/FAIL: lines into #out, then DONE. */
(function () {
  "use strict";
  var E = window.EPUB, HEIGHT = 700, WIDTHS = [360, 600];
  /* What the page shows before a reader zooms the image (every reading app lets one):
     the widest figures (the 21 tables of the kernel built with MEGAPAGES=0, 1078 pt
     wide) are meant to be zoomed into on a phone. */
  var MINTEXT = { 360: 3, 600: 5 };
  var XHTML = "http://www.w3.org/1999/xhtml", SVG = "http://www.w3.org/2000/svg";
  var lines = [];
  function check(ok, what) { lines.push((ok ? "PASS" : "FAIL") + ": epub: " + what); }
  function finish() {
    lines.push("DONE");
    document.getElementById("out").textContent = "epub: results\n" + lines.join("\n");
  }
  if (!E || !E.spine || E.spine.length === 0) { check(false, "spine.js lists the EPUB's documents"); finish(); return; }

  var frames = {};
  WIDTHS.forEach(function (w) {
    var f = document.createElement("iframe");
    f.style.width = w + "px";
    f.style.height = HEIGHT + "px";
    document.getElementById("frames").appendChild(f);
    frames[w] = f;
  });

  function load(f, url, then) {
    var done = false;
    var timer = setTimeout(function () { if (!done) { done = true; then(null); } }, 30000);
    f.onload = function () {
      if (done) return;
      done = true;
      clearTimeout(timer);
      var d = null;
      try { d = f.contentDocument; } catch (e) { d = null; }
      then(d);
    };
    f.src = url;
  }

  /* The smallest font size (px, in the SVG's own units) of an SVG file's text, and its
     width in those units: from the file itself, as the page cannot look inside an img. */
  var svgCache = {};
  function svgText(url) {
    if (url in svgCache) return svgCache[url];
    var r = null;
    try {
      var x = new XMLHttpRequest();
      x.open("GET", url, false);
      x.send();
      var doc = new DOMParser().parseFromString(x.responseText, "image/svg+xml");
      var svg = doc.documentElement, min = Infinity;
      if (svg && svg.namespaceURI === SVG) {
        var vb = (svg.getAttribute("viewBox") || "").trim().split(/[\s,]+/).map(Number);
        var width = vb.length === 4 ? vb[2] : parseFloat(svg.getAttribute("width"));
        Array.prototype.forEach.call(doc.getElementsByTagNameNS(SVG, "text"), function (t) {
          var s = parseFloat(t.getAttribute("font-size") || "");
          if (s > 0 && s < min) min = s;
        });
        if (width > 0) r = { width: width, min: min };
      }
    } catch (e) { r = null; }
    svgCache[url] = r;
    return r;
  }

  /* What is wrong with document d at width w: a list of short reasons. */
  function problems(d, w) {
    var p = [];
    var root = d && d.documentElement;
    if (!root || root.namespaceURI !== XHTML || d.getElementsByTagName("parsererror").length)
      return ["not well-formed XHTML"];
    var win = d.defaultView;
    var pre = d.querySelector("pre");
    if (pre && !/^(pre-wrap|break-spaces)$/.test(win.getComputedStyle(pre).whiteSpace))
      p.push("pre does not wrap: the EPUB's style sheet is not applied");
    if (root.scrollWidth > root.clientWidth + 1) {
      var far = null;
      Array.prototype.forEach.call(d.body.querySelectorAll("*"), function (el) {
        var r = el.getBoundingClientRect();
        if (r.width > 0 && (!far || r.right > far.getBoundingClientRect().right)) far = el;
      });
      p.push("scrolls sideways (" + root.scrollWidth + " px wide" + (far ? "; its rightmost box a " +
             far.localName + ": '" + (far.textContent || "").slice(0, 30) + "'" : "") + ")");
    }
    var wide = null;
    /* boxes: an inline element's rectangle takes in the blanks that hang at the ends of
       its wrapped lines, which are drawn nowhere (the page's own width says the rest) */
    Array.prototype.some.call(d.body.querySelectorAll("*"), function (el) {
      if (win.getComputedStyle(el).display === "inline") return false;
      var r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > w + 1 || r.left < -1)) { wide = el; return true; }
      return false;
    });
    if (wide) p.push("a " + wide.localName + (wide.parentNode && wide.parentNode.localName ?
                     " in a " + wide.parentNode.localName : "") + " sticks out of the page (" + Math.round(wide.getBoundingClientRect().left) + ".." + Math.round(wide.getBoundingClientRect().right) + " px, '" +
                     (wide.textContent || "").slice(0, 40) + "')");
    Array.prototype.forEach.call(d.getElementsByTagName("img"), function (img) {
      var src = img.getAttribute("src");
      if (!img.complete || img.naturalWidth === 0) { p.push("image " + src + " does not load"); return; }
      var drawn = img.getBoundingClientRect().width;
      if (drawn > w + 1) p.push("image " + src + " is wider than the page");
      if (/\.svg$/.test(src)) {
        var s = svgText(img.src);
        if (s && s.min !== Infinity) {
          var px = s.min * drawn / s.width;
          stats.push(px);
          if (px < MINTEXT[w]) p.push("figure " + src + ": text drawn at " + px.toFixed(1) + " px");
        }
      }
    });
    return p;
  }

  var stats = [];
  /* Check every document of list at both widths; then(bad): "doc@w: reasons". */
  function sweep(list, then) {
    var bad = [], i = 0, k = 0;
    (function next() {
      if (i === list.length) { then(bad); return; }
      var w = WIDTHS[k];
      load(frames[w], list[i], function (d) {
        var p = d ? problems(d, w) : ["did not load"];
        if (p.length) bad.push(list[i].replace(/.*\//, "") + " at " + w + " px: " + p.join("; "));
        if (++k === WIDTHS.length) { k = 0; i++; }
        setTimeout(next, 0);
      });
    })();
  }

  sweep(E.spine.map(function (s) { return E.dir + s; }), function (bad) {
    check(E.spine.length >= 5, E.spine.length + " documents in the spine");
    check(bad.length === 0, "every document parses as XHTML with the EPUB's style sheet, fits a page " +
          WIDTHS.join(" and ") + " px wide, and its images load and fit" +
          (bad.length ? ": " + bad.slice(0, 4).join(" | ") : ""));
    var smallest = stats.length ? Math.min.apply(null, stats) : 0;
    var under = stats.filter(function (px) { return px < 6; }).length;
    check(stats.length >= 10 && smallest >= MINTEXT[360], stats.length + " figure images measured (" +
          "each at both widths); their smallest text drawn at " + smallest.toFixed(1) + " px, " + under +
          " under 6 px (the limits: " + MINTEXT[360] + " px at 360, " + MINTEXT[600] + " px at 600)");
    /* the fixtures: every check must fail there */
    stats = [];
    sweep(E.fixtures.map(function (s) { return E.fixdir + s; }), function (fbad) {
      var all = fbad.join(" | ");
      var want = [["not well-formed XHTML", "a document that is not well-formed"],
                  ["pre does not wrap", "a page without the style sheet"],
                  ["scrolls sideways", "a box wider than the page"],
                  ["sticks out of the page", "a box out of the page"],
                  ["does not load", "an image that does not load"],
                  ["text drawn at", "a figure shrunk below the text limit"]];
      want.forEach(function (wnt) {
        check(all.indexOf(wnt[0]) >= 0, "the check fails on " + wnt[1] + " (fixtures)");
      });
      finish();
    });
  });
})();
