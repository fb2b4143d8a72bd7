/* cases.js: book/search.js on the index of a.html and b.html (run.sh). Prints
   PASS:/FAIL: lines into #out. The index is loaded as the box loads it. */
(function () {
  "use strict";
  var lines = [];
  function check(ok, what) { lines.push((ok ? "PASS" : "FAIL") + ": search: " + what); }
  function finish() { document.getElementById("out").textContent = lines.join("\n"); }
  var S = window.bookSearch;
  if (!S) { check(false, "search.js defines window.bookSearch"); finish(); return; }
  S.load(function () {
    check(!!window.BOOK_SEARCH, "the index loads from search-index.js (file://, a script, no fetch)");
    var r = S.query("walk");
    check(r.length > 0 && r[0].kind === "identifier" && r[0].title === "walk" && r[0].href === "a.html#id-walk",
          "'walk': the identifier first, linked to its definition (" + (r[0] ? r[0].href : "none") + ")");
    check(r.some(function (x) { return x.kind === "chunk 4ab" && x.href === "a.html#chunk-walk"; }),
          "'walk': its chunk, with its tag");
    check(r.some(function (x) { return x.kind === "identifier" && x.title === "walk" && x.href === "b.html#id-walk-2"; }),
          "'walk': its second definition (id-walk-2, another program's) under its own name");
    check(r.some(function (x) { return x.kind === "section" && x.href === "a.html#page-tables"; }),
          "'walk': the section that uses it");
    r = S.query("wal");
    check(r.length > 0 && r[0].kind === "identifier" && r[0].title === "walk",
          "'wal': a prefix finds the identifier first");
    check(r.some(function (x) { return x.title === "walkthrough_count"; }), "'wal': every identifier it starts");
    r = S.query("descend level");
    check(r.some(function (x) { return x.kind === "chunk 4ac" && x.title === "\u27e8descend one level\u27e9"; }),
          "'descend level': a chunk whose name holds both words");
    r = S.query("huge page").filter(function (x) { return x.kind === "section"; });
    check(r.length === 2 && /<mark>huge<\/mark> <mark>page<\/mark>/.test(r[0].snippet),
          "'huge page': two sections, the words marked in the text around them (" + (r[0] ? r[0].snippet : "") + ")");
    r = S.query("translate");
    check(r.length >= 2 && r[0].href === "a.html#translating" && r[0].title === "Translating",
          "'translate': the section with the word in its heading before one with it in its text");
    check(r.every(function (x) { return x.title.indexOf("\u00b6") < 0; }), "headings without their pilcrow");
    r = S.query("script alert");
    check(r.length === 1 && r[0].snippet.indexOf("&lt;<mark>script</mark>&gt;") >= 0 &&
          r[0].snippet.indexOf("<script") < 0,
          "text that looks like HTML is shown as text (" + (r[0] ? r[0].snippet : "") + ")");
    check(S.query("footeronlyword").length === 0, "chunk footers ('Used in ...') are not indexed");
    check(S.query("svgonlyword").length === 0, "the text of a figure's SVG is not indexed");
    check(S.query("A tree of tables").length === 1, "a figure's caption is");
    check(S.query("Opening words").length === 1 && S.query("Opening words")[0].href === "a.html",
          "the text before a page's first heading: the page itself");
    check(S.query("w").length === 0 && S.query("   ").length === 0 && S.query("zzqx").length === 0,
          "one letter, blanks, or a word the book lacks: no result");
    r = S.query("KILL_FOR");
    check(r.length > 0 && r[0].title === "kill_for_fault", "case is ignored");
    /* copy.js: a button on each code block, copying the block's text. */
    var blocks = document.querySelectorAll("main div.sourceCode");
    var buttons = document.querySelectorAll("main div.sourceCode > button.copy-code");
    check(blocks.length === 2 && buttons.length === 2, "copy: a Copy button on each of the 2 code blocks");
    var copied = null;
    try {
      Object.defineProperty(navigator, "clipboard", { configurable: true, value: {
        writeText: function (t) { copied = t; return Promise.resolve(); } } });
    } catch (e) { /* checked below */ }
    if (buttons.length > 0) buttons[0].click();
    /* The click's promise settles before the timers below run. */
    /* The box itself: typed into, it lists the results as links. */
    var input = document.querySelector("header.site form.search input");
    check(!!input, "the box is in the header");
    if (!input) { finish(); return; }
    input.value = "walk";
    input.dispatchEvent(new Event("input"));
    setTimeout(function () {
      var box = document.querySelector(".search-results"), a = box && box.querySelector("a");
      check(box && !box.hidden && a && a.getAttribute("href") === "a.html#id-walk",
            "typing 'walk' lists the results, the identifier first");
      check(copied === 'pte_t *walk(pagetable_t pt, uint64 va, int alloc)\n    panic("walk: huge page at level %d", level);' &&
            buttons[0].textContent === "Copied",
            "copy: the first block's text, exactly, and the button says so (" + JSON.stringify(copied) + ")");
      input.value = "zzqx";
      input.dispatchEvent(new Event("input"));
      setTimeout(function () {
        check(/Nothing in the book matches/.test(box.textContent), "no match: the box says so");
        finish();
      }, 300);
    }, 300);
  });
})();
