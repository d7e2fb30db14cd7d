// The queue refreshes itself: every data-refresh seconds it fetches the same
// page and swaps in the new list, so new requests appear without a reload.
// Keyboard focus stays where it was (the same control by id, else the list),
// and the polite live region #queue-live tells what changed ("2 new
// requests"). Without JavaScript the page works as it is, with its refresh
// link.
(function () {
  var box = document.getElementById("queue");
  var live = document.getElementById("queue-live");
  if (!box || !window.fetch || !window.DOMParser) return;
  var every = parseInt(box.getAttribute("data-refresh"), 10) * 1000 || 20000;

  function ids(root) {
    var out = {};
    var rows = root.querySelectorAll("tr[data-id]");
    for (var i = 0; i < rows.length; i++) out[rows[i].getAttribute("data-id")] = true;
    return out;
  }

  // The controls focus can be on, in document order: a control without an
  // id (a scrolling table's region, say) is found again by its place.
  var focusable = "a[href], button, input, select, textarea, [tabindex]";
  function place(el) { return Array.prototype.indexOf.call(box.querySelectorAll(focusable), el); }

  function announce(text) {
    if (!live || !text) return;
    // A change of text is what a screen reader announces; clearing first
    // lets the same words be told twice.
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }

  function message(added) {
    if (!live) return "";
    if (added === 1) return live.getAttribute("data-new-one");
    if (added > 1) return (live.getAttribute("data-new-many") || "").replace("{n}", String(added));
    return live.getAttribute("data-updated");
  }

  function refresh() {
    if (document.hidden) return;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("queue");
        if (!fresh || fresh.innerHTML === box.innerHTML) return;
        var before = ids(box), after = ids(fresh), added = 0;
        for (var id in after) if (!before[id]) added++;
        // Where focus was: a control with an id inside the list, and the
        // row it sat in, to fall back to the next row when it is gone.
        var active = document.activeElement;
        var had = active && active !== box && box.contains(active);
        var focusID = had ? active.id : "";
        var at = had && !focusID ? place(active) : -1;
        var row = had && active.closest ? active.closest("tr[data-id]") : null;
        var next = row ? row.nextElementSibling : null;
        var nextID = next ? next.getAttribute("data-id") : "";
        box.innerHTML = fresh.innerHTML;
        if (had) {
          var target = (focusID && document.getElementById(focusID)) ||
            (at >= 0 && box.querySelectorAll(focusable)[at]) ||
            (nextID && box.querySelector('tr[data-id="' + nextID + '"] a')) || box;
          target.focus({ preventScroll: true });
        }
        announce(message(added));
      })
      .catch(function () {});
  }

  setInterval(refresh, every);
})();
