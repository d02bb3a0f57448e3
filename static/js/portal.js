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

  // After a refused submit the focus goes to the list of errors at the top of the form.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // A form marked data-keep-draft keeps what was typed while the member switches the
  // language (the language links are plain links to the same page in another language).
  // The draft lives in this tab's sessionStorage only and is dropped on submit; the consent
  // box, files and hidden fields are never kept.
  function keepDrafts() {
    var storage;
    try {
      storage = window.sessionStorage;
    } catch (error) {
      return;
    }
    if (!storage) {
      return;
    }
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      var key = "portal-draft:" + form.getAttribute("data-keep-draft");
      var selector = "input[type=text], input[type=email], input[type=tel], input:not([type]), textarea, select";
      var fields = Array.prototype.filter.call(form.querySelectorAll(selector), function (field) {
        return field.name && field.name !== "website" && !field.closest("[aria-hidden=true]");
      });
      var bound = form.querySelector("[data-error-summary]") !== null;
      var saved = {};
      try {
        saved = JSON.parse(storage.getItem(key) || "{}");
      } catch (error) {
        saved = {};
      }
      if (!bound) {
        fields.forEach(function (field) {
          if (Object.prototype.hasOwnProperty.call(saved, field.name) && !field.value) {
            field.value = saved[field.name];
          } else if (field.tagName === "SELECT" && Object.prototype.hasOwnProperty.call(saved, field.name)) {
            field.value = saved[field.name];
          }
        });
      }
      function save() {
        var draft = {};
        fields.forEach(function (field) {
          if (field.value) {
            draft[field.name] = field.value;
          }
        });
        storage.setItem(key, JSON.stringify(draft));
      }
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      form.addEventListener("submit", function () {
        storage.removeItem(key);
      });
    });
  }

  foldFilters();
  focusErrorSummary();
  keepDrafts();
  markScrollingTables();
  window.addEventListener("resize", markScrollingTables);
  if (phone.addEventListener) {
    phone.addEventListener("change", foldFilters);
  }
})();
