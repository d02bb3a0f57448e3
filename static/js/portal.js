// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 40rem)");

  // Filter forms are open in the HTML (so they work without JavaScript); on a phone the
  // ones with no filter chosen fold behind their one button.
  function foldFilters() {
    document.querySelectorAll("details.filters-fold[data-fold]").forEach(function (details) {
      details.open = !phone.matches;
    });
  }

  // A table wider than the screen scrolls inside its own box; a box that scrolls must be
  // reachable by keyboard, so give it a tab stop when it has no link of its own.
  function markScrollingTables() {
    document.querySelectorAll("main table, .table-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var hasFocusable = box.querySelector("a[href], button, input, select, textarea, [tabindex]");
      if (scrolls && !hasFocusable) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0" && !scrolls) {
        box.removeAttribute("tabindex");
      }
    });
  }

  foldFilters();
  markScrollingTables();
  window.addEventListener("resize", markScrollingTables);
  if (phone.addEventListener) {
    phone.addEventListener("change", foldFilters);
  }
})();
