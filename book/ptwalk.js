/*
 * ptwalk.js: walk a live page table by hand, in the HTML book.
 *
 * The book's build boots the kernel, which dumps a program's page table
 * (chapter 4's format); figures/ptdump2js turns the dump into
 * ptwalk-data.js, which fills PTWALK_DUMPS[name]. Every
 * <div class="ptwalk" data-dump="name"> of the page becomes a small form:
 * the reader types a virtual address (or picks one of the program's
 * pages), chooses the access, and sees the address split into VPN[2],
 * VPN[1], VPN[0] and the offset, each of the three entries the hardware
 * reads (where, what, which flags), and the physical address, or the page
 * fault the hart would raise and why. Without JavaScript the div keeps
 * its own text. No library; BigInt for 64-bit addresses.
 */
(function () {
  "use strict";

  var FLAGS = "VRWXUGAD";
  var ACCESS = {
    load: { need: "R", fault: "load page fault (scause 13)" },
    store: { need: "W", fault: "store/AMO page fault (scause 15)" },
    fetch: { need: "X", fault: "instruction page fault (scause 12)" }
  };

  function hex(v, digits) {
    var s = v.toString(16);
    while (s.length < digits) s = "0" + s;
    return "0x" + s;
  }

  function has(flags, f) {
    return flags.indexOf(f) >= 0;
  }

  /* The dump as a tree: tables {pa, entries: {index: entry}}. */
  function build(dump) {
    var root = { pa: BigInt(dump.root), entries: {} };
    var tables = [null, null, root];
    dump.entries.forEach(function (r) {
      var level = r[0], table = tables[level];
      if (!table) return;
      var e = { level: level, index: r[1], va: BigInt(r[2]), pte: BigInt(r[3]),
                pa: BigInt(r[4]), flags: r[5], child: null };
      table.entries[e.index] = e;
      if (level > 0 && !has(e.flags, "R") && !has(e.flags, "W") && !has(e.flags, "X")) {
        e.child = { pa: e.pa, entries: {} };
        tables[level - 1] = e.child;
      }
    });
    return root;
  }

  /* Parse "0x..." or decimal; null if it is not a number that fits 64 bits. */
  function parse(text) {
    var t = text.trim().replace(/_/g, "");
    if (!/^(0[xX][0-9a-fA-F]{1,16}|[0-9]{1,20})$/.test(t)) return null;
    var v = BigInt(t);
    return v < (BigInt(1) << BigInt(64)) ? v : null;
  }

  /*
   * The hardware's walk (RISC-V privileged spec, "Virtual Address
   * Translation Process", Sv39), as far as a dump can tell it: returns
   * {steps, pa} or {steps, fault, why}.
   */
  function walk(root, va, access, user) {
    var steps = [], one = BigInt(1);
    var top = va >> BigInt(38);
    if (top !== BigInt(0) && top !== (one << BigInt(26)) - one)
      return { steps: steps, fault: ACCESS[access].fault,
               why: "bits 63 to 39 are not all equal to bit 38: not an Sv39 address" };
    var table = root;
    for (var level = 2; level >= 0; level--) {
      var vpn = Number((va >> BigInt(12 + 9 * level)) & BigInt(511));
      var at = table.pa + BigInt(vpn * 8);
      var e = table.entries[vpn];
      var step = { level: level, vpn: vpn, at: at, e: e || null };
      steps.push(step);
      if (!e) {
        step.says = "V = 0: invalid";
        return { steps: steps, fault: ACCESS[access].fault,
                 why: "the level-" + level + " entry at " + hex(at, 16) + " is invalid" };
      }
      var leaf = has(e.flags, "R") || has(e.flags, "X");
      if (!leaf) {
        if (has(e.flags, "W")) {
          step.says = "W without R: reserved";
          return { steps: steps, fault: ACCESS[access].fault, why: "W without R is reserved" };
        }
        if (level === 0) {
          step.says = "a pointer at level 0";
          return { steps: steps, fault: ACCESS[access].fault,
                   why: "a level-0 entry must be a leaf" };
        }
        step.says = "a pointer to the level-" + (level - 1) + " table at " + hex(e.pa, 16);
        table = e.child;
        continue;
      }
      var span = BigInt(12 + 9 * level);
      var size = level === 0 ? "4 KiB page" : level === 1 ? "2 MiB megapage" : "1 GiB gigapage";
      step.says = "a leaf: a " + size;
      if (level > 0 && (e.pa & ((one << span) - one)) !== BigInt(0))
        return { steps: steps, fault: ACCESS[access].fault,
                 why: "a misaligned superpage: its physical address is not a multiple of its size" };
      if (user && !has(e.flags, "U"))
        return { steps: steps, fault: ACCESS[access].fault,
                 why: "U = 0: the page is the kernel's, and the access is from user mode" };
      if (!user && has(e.flags, "U") && access === "fetch")
        return { steps: steps, fault: ACCESS[access].fault,
                 why: "U = 1: supervisor mode never executes a user page" };
      if (!user && has(e.flags, "U"))
        return { steps: steps, fault: ACCESS[access].fault,
                 why: "U = 1 and sstatus.SUM = 0: the kernel may not touch a user page (SUM lets it)" };
      if (!has(e.flags, ACCESS[access].need))
        return { steps: steps, fault: ACCESS[access].fault,
                 why: ACCESS[access].need + " = 0: the page does not allow a " + access };
      var note = "";
      if (!has(e.flags, "A") || (access === "store" && !has(e.flags, "D")))
        note = " " + (has(e.flags, "A") ? "D" : "A") + " is 0: QEMU sets it now; a hart that leaves it to software " +
          "(Svade) would raise the " + ACCESS[access].fault + " instead.";
      return { steps: steps, pa: e.pa + (va & ((one << span) - one)), level: level, note: note };
    }
    return { steps: steps, fault: ACCESS[access].fault, why: "no leaf" };
  }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  /* What a page of the dump is, for the buttons: from its place and flags, in the
     figure's words where the flags tell (a writable user page is data, bss or stack). */
  function label(e) {
    var u = has(e.flags, "U");
    if (!u && has(e.flags, "X")) return "trampoline";
    if (!u) return "trap context";
    if (has(e.flags, "X")) return "text";
    if (!has(e.flags, "W")) return "read-only data";
    return "data or stack";
  }

  function leaves(root) {
    var out = [];
    (function visit(t) {
      Object.keys(t.entries).map(Number).sort(function (a, b) { return a - b; }).forEach(function (i) {
        var e = t.entries[i];
        if (e.child) visit(e.child);
        else out.push(e);
      });
    })(root);
    return out;
  }

  function show(box, root, va, access, user) {
    box.textContent = "";
    var r = walk(root, va, access, user);
    var split = el("p", "ptwalk-split");
    var one = BigInt(1);
    split.appendChild(el("span", "ptwalk-va", hex(va, 16)));
    split.appendChild(document.createTextNode(" = "));
    [2, 1, 0].forEach(function (l) {
      var v = Number((va >> BigInt(12 + 9 * l)) & BigInt(511));
      split.appendChild(el("span", "ptwalk-vpn ptwalk-l" + l, "VPN[" + l + "] " + v));
      split.appendChild(document.createTextNode(" | "));
    });
    split.appendChild(el("span", "ptwalk-off", "offset " + hex(va & ((one << BigInt(12)) - one), 3)));
    box.appendChild(split);
    var table = el("table", "ptwalk-steps");
    var head = el("tr");
    ["level", "index", "entry's address", "entry", "flags", "what it is"].forEach(function (h) {
      head.appendChild(el("th", null, h));
    });
    table.appendChild(head);
    r.steps.forEach(function (s) {
      var tr = el("tr", "ptwalk-l" + s.level);
      tr.appendChild(el("td", null, String(s.level)));
      tr.appendChild(el("td", null, String(s.vpn)));
      tr.appendChild(el("td", null, hex(s.at, 16)));
      tr.appendChild(el("td", null, s.e ? hex(s.e.pte, 16) : "(not in the dump: 0)"));
      tr.appendChild(el("td", "ptwalk-flags", s.e ? s.e.flags : "--------"));
      tr.appendChild(el("td", null, s.says));
      table.appendChild(tr);
    });
    box.appendChild(table);
    var res = el("p", r.fault ? "ptwalk-fault" : "ptwalk-pa");
    if (r.fault)
      res.textContent = "A " + r.fault + ": " + r.why + ". stval holds " + hex(va, 16) + ".";
    else
      res.textContent = "Physical address " + hex(r.pa, 16) + ": the leaf's page " + hex(r.steps[r.steps.length - 1].e.pa, 16) +
        " plus the low " + (12 + 9 * r.level) + " bits of the virtual address." + r.note;
    box.appendChild(res);
  }

  function setup(div) {
    var dumps = window.PTWALK_DUMPS || {};
    var dump = dumps[div.getAttribute("data-dump")];
    if (!dump) return;
    var root = build(dump);
    div.textContent = "";
    var form = el("form", "ptwalk-form");
    var input = el("input");
    input.type = "text";
    input.spellcheck = false;
    input.setAttribute("aria-label", "virtual address");
    input.value = dump.start || hex(leaves(root)[0].va, 16);
    var acc = el("select");
    acc.setAttribute("aria-label", "access");
    ["load", "store", "fetch"].forEach(function (a) {
      var o = el("option", null, a);
      o.value = a;
      acc.appendChild(o);
    });
    var mode = el("select");
    mode.setAttribute("aria-label", "privilege mode");
    [["user", "from user mode"], ["supervisor", "from the kernel"]].forEach(function (m) {
      var o = el("option", null, m[1]);
      o.value = m[0];
      mode.appendChild(o);
    });
    var go = el("button", null, "Walk");
    go.type = "submit";
    var lab = el("label", null, "Virtual address ");
    lab.appendChild(input);
    form.appendChild(lab);
    form.appendChild(document.createTextNode(" "));
    form.appendChild(acc);
    form.appendChild(document.createTextNode(" "));
    form.appendChild(mode);
    form.appendChild(document.createTextNode(" "));
    form.appendChild(go);
    var picks = el("p", "ptwalk-picks");
    picks.appendChild(document.createTextNode("The program's pages: "));
    leaves(root).forEach(function (e) {
      var b = el("button", null, label(e) + " " + hex(e.va, 1));
      b.type = "button";
      b.addEventListener("click", function () {
        input.value = hex(e.va + BigInt(0x123), 1);
        run();
      });
      picks.appendChild(b);
      picks.appendChild(document.createTextNode(" "));
    });
    var out = el("div", "ptwalk-out");
    out.setAttribute("aria-live", "polite");
    function run() {
      var va = parse(input.value);
      if (va === null) {
        out.textContent = "";
        out.appendChild(el("p", "ptwalk-fault", "Not an address: type hexadecimal (0x...) or decimal, at most 64 bits."));
        return;
      }
      show(out, root, va, acc.value, mode.value === "user");
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    acc.addEventListener("change", run);
    mode.addEventListener("change", run);
    div.appendChild(form);
    div.appendChild(picks);
    div.appendChild(out);
    run();
  }

  /* For tests: the walk alone, on a dump. */
  window.ptwalk = { build: build, walk: walk, parse: parse };

  function init() {
    var divs = document.querySelectorAll("div.ptwalk");
    for (var i = 0; i < divs.length; i++) setup(divs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
