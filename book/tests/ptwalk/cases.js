/*
 * cases.js: book/ptwalk.js's walk, on figures/tests/hello.log's dump, against
 * what the RISC-V privileged spec's Sv39 translation gives. Each case is a
 * line "PASS: ptwalk: ..." or "FAIL: ptwalk: ..." in the page's <pre id="out">,
 * which book/tests/ptwalk/run.sh reads with headless Chromium.
 */
(function () {
  "use strict";
  var out = [], w = window.ptwalk, root = w.build(window.PTWALK_DUMPS.hello);
  function say(ok, name, detail) {
    out.push((ok ? "PASS" : "FAIL") + ": ptwalk: " + name + (ok ? "" : ": " + detail));
  }
  /* [address, access, user?, physical address or fault text that must appear] */
  var cases = [
    ["0x10123", "load", true, "0x80434123"],
    ["0x10123", "fetch", true, "0x80434123"],
    ["0x10123", "store", true, "store/AMO page fault|W = 0"],
    ["0x14008", "store", true, "0x80438008"],
    ["0x16000", "load", true, "load page fault|level-0 entry"],
    ["0x40000000", "load", true, "load page fault|level-2 entry"],
    ["0xfffffffffffff010", "load", true, "load page fault|U = 0"],
    ["0xfffffffffffff010", "fetch", false, "0x80201010"],
    ["0x8000000000", "load", true, "load page fault|not an Sv39 address"],
    ["0x14008", "load", false, "load page fault|SUM"],
    ["0x10000", "fetch", false, "instruction page fault|never executes a user page"]
  ];
  cases.forEach(function (c) {
    var r = w.walk(root, w.parse(c[0]), c[1], c[2]);
    var name = c[1] + " " + c[0] + (c[2] ? " from user mode" : " from the kernel");
    if (c[3].indexOf("0x") === 0) {
      var ok = !r.fault && r.pa === BigInt(c[3]);
      say(ok, name + " -> " + c[3], r.fault ? r.fault + ": " + r.why : "0x" + r.pa.toString(16));
    } else {
      var want = c[3].split("|");
      var ok2 = r.fault === undefined ? false : (r.fault.indexOf(want[0]) >= 0 && r.why.indexOf(want[1]) >= 0);
      say(ok2, name + " -> " + want.join(": "), r.fault ? r.fault + ": " + r.why : "translated to 0x" + r.pa.toString(16));
    }
  });
  var steps = w.walk(root, w.parse("0x10123"), "load", true).steps;
  say(steps.length === 3 && steps[0].at === BigInt("0x80431000") && steps[1].at === BigInt("0x80432000") &&
      steps[2].at === BigInt("0x80433080"),
      "the entries' addresses: root + VPN[2]*8, then each table's + VPN*8",
      steps.map(function (s) { return "0x" + s.at.toString(16); }).join(" "));
  var t = w.walk(root, w.parse("0xfffffffffffff010"), "fetch", false);
  say(t.note && t.note.indexOf("A is 0") >= 0, "a leaf without A: noted (QEMU sets it)", String(t.note));
  say(w.parse("zz") === null && w.parse("0x1_0000") === BigInt(65536) && w.parse("65536") === BigInt(65536) &&
      w.parse("0x10000000000000000") === null, "addresses parsed: hex, decimal, underscores; junk and 65 bits refused", "");
  /* The form the page got: ptwalk.js builds it once the document is read,
     and its listener was registered before this one. */
  function form() {
    var div = document.querySelector("div.ptwalk");
    var buttons = div ? div.querySelectorAll(".ptwalk-picks button").length : 0;
    var result = div ? div.querySelector(".ptwalk-out p.ptwalk-pa, .ptwalk-out p.ptwalk-fault") : null;
    say(div && div.querySelector("form input") && buttons === 12 && result,
        "the div became a form, a button per page of the dump (12), a first walk shown",
        "buttons " + buttons + ", result " + (result ? result.textContent : "none"));
    document.getElementById("out").textContent = "\n" + out.join("\n") + "\n";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", form);
  else form();
})();
