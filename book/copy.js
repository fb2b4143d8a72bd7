/*
 * copy.js: a Copy button on every code block of the HTML book.
 *
 * The button copies the block's text as it reads (a chunk's references to
 * other chunks stay as their names, in the book's angle brackets),
 * with the clipboard API, or where a page opened from file:// cannot use
 * it, through a hidden text area. It says "Copied" for a moment, or
 * "Select and copy" if neither way worked. Made by this script, so a page
 * without JavaScript shows no button that does nothing.
 */
(function () {
  "use strict";

  function fallback(text) {
    var t = document.createElement("textarea");
    t.value = text;
    t.setAttribute("readonly", "");
    t.style.position = "fixed";
    t.style.left = "-9999px";
    document.body.appendChild(t);
    t.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(t);
    return ok;
  }

  function say(button, text) {
    button.textContent = text;
    clearTimeout(button.copyTimer);
    button.copyTimer = setTimeout(function () { button.textContent = "Copy"; }, 1500);
  }

  /* The text of a code block: its <pre>'s, without a final newline. */
  function codeText(block) {
    var pre = block.querySelector("pre") || block;
    return pre.textContent.replace(/\n$/, "");
  }

  function copy(button, block) {
    var text = codeText(block);
    var done = function () { say(button, "Copied"); };
    var failed = function () { say(button, fallback(text) ? "Copied" : "Select and copy"); };
    if (navigator.clipboard && navigator.clipboard.writeText)
      navigator.clipboard.writeText(text).then(done, failed);
    else
      failed();
  }

  function build() {
    var blocks = document.querySelectorAll("main div.sourceCode");
    for (var i = 0; i < blocks.length; i++) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy-code";
      b.textContent = "Copy";
      b.setAttribute("aria-label", "Copy this code");
      (function (button, block) {
        button.addEventListener("click", function () { copy(button, block); });
      })(b, blocks[i]);
      blocks[i].classList.add("has-copy");
      blocks[i].insertBefore(b, blocks[i].firstChild);
    }
  }

  window.bookCopy = { text: codeText };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
