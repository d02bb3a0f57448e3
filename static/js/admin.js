// Django's filter_horizontal widget builds <span aria-label="…"> icons after the page loads;
// an aria-label on a plain span is not allowed, so mark those icons as images.
(function () {
  "use strict";
  function fix(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (span) {
      span.setAttribute("role", "img");
    });
  }
  new MutationObserver(function () { fix(document); }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { fix(document); });
})();
