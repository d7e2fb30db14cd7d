// The kiosk returns to its start after data-idle seconds in which nobody
// touched it: a half-given answer is not left for the next person, and the
// thanks page clears itself. Every touch or key press starts the wait
// again, so no one is hurried (WCAG 2.2.1). Without JavaScript a refresh in
// <noscript> does the same.
(function () {
  var body = document.body;
  var seconds = Number(body.getAttribute("data-idle"));
  var start = body.getAttribute("data-start");
  if (!seconds || !start) {
    return;
  }
  var timer;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () { location.assign(start); }, seconds * 1000);
  }
  ["pointerdown", "keydown", "input", "focusin"].forEach(function (e) {
    document.addEventListener(e, arm, true);
  });
  arm();
})();
