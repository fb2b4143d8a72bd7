/* figure.js: a "Full size" button on each figure of a page of the book: the
   figure's drawing alone, at its own size, in a new tab (a blob: URL of the
   SVG, so it works from file:// too and needs no file of its own). */
(function () {
  "use strict";

  /* The figure's SVG as a document of its own. */
  function svgText(fig) {
    var svg = fig.querySelector("svg");
    return svg ? new XMLSerializer().serializeToString(svg) : null;
  }

  function add(fig) {
    if (!fig.querySelector("svg") || fig.querySelector("button.fig-full")) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "fig-full";
    b.textContent = "Full size";
    b.setAttribute("aria-label", "Open this figure at its full size in a new tab");
    b.addEventListener("click", function () {
      var url = URL.createObjectURL(new Blob([svgText(fig)], { type: "image/svg+xml" }));
      window.open(url, "_blank", "noopener");
    });
    fig.insertBefore(b, fig.firstChild);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.graphviz"), add);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.bookFigure = { svgText: svgText };
})();
