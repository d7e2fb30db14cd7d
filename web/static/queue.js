// The queue refreshes itself: every data-refresh seconds it fetches the same
// page and swaps in the new list, so new requests appear without a reload.
// Without JavaScript the page works as it is.
(function () {
  var box = document.getElementById("queue");
  if (!box || !window.fetch || !window.DOMParser) return;
  var every = parseInt(box.getAttribute("data-refresh"), 10) * 1000 || 20000;
  setInterval(function () {
    if (document.hidden) return;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("queue");
        if (fresh && fresh.innerHTML !== box.innerHTML) box.innerHTML = fresh.innerHTML;
      })
      .catch(function () {});
  }, every);
})();
