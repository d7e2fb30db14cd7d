// Errors at their fields: when a form comes back with an error, focus moves
// to its error summary, so a screen reader reads the error first; a link in
// the summary moves focus to its field. Without JavaScript the page title and
// the summary still say what is wrong.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (e) {
    var a = e.target.closest("a[href^='#']");
    var field = a && document.getElementById(a.getAttribute("href").slice(1));
    if (field) {
      e.preventDefault();
      field.scrollIntoView({ block: "center" });
      // A group of choices (a fieldset) takes no focus: its first control does.
      var target = field.matches("fieldset") ? field.querySelector("input, select, textarea, button") : field;
      (target || field).focus();
    }
  });
})();
