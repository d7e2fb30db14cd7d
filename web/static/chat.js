// Chat pages come alive. Without JavaScript they work as they are: forms
// post and the page refreshes itself.
//
// A chat's page (#chat) opens the chat's live stream (Server-Sent Events)
// after the last event the page shows, appends messages as they come,
// sends with fetch, tells the other side when one types and shows when
// they do. The browser resumes a broken stream with Last-Event-ID, and the
// log is numbered, so nothing is lost or shown twice. The professional's
// queue (#chat-queue) fetches itself every few seconds; the professional's
// chat page asks for the queue too, which keeps them available to chat.
// Every text comes from the page (data-* attributes), in its language.
//
// For screen readers, the polite region #chat-announce tells the other
// side's new lines, system lines (taken, closed) and, at most once in
// typingEvery, that the other side types; the resident's #chat-state tells
// the status and place in the queue. One's own lines are not told again,
// and focus stays in the message box after sending. The staff queue's
// #chat-queue-live tells how many new chats wait.
(function () {
  "use strict";

  var room = document.getElementById("chat");
  if (room && window.fetch && window.EventSource) live(room);
  var queue = document.getElementById("chat-queue");
  if (queue && window.fetch && window.DOMParser) refreshQueue(queue);

  function api(path, method, body) {
    var init = { method: method || "GET", credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init);
  }

  function fill(template, n) { return template.replace("{n}", String(n)); }

  // typingEvery is how often, at most, a screen reader hears that the
  // other side types (milliseconds).
  var typingEvery = 30000;

  // say puts text into the polite region el; clearing it first lets the
  // same words be told twice.
  function say(el, text) {
    if (!el || !text) return;
    el.textContent = "";
    window.setTimeout(function () { el.textContent = text; }, 50);
  }

  // rowIDs returns the data-id of each row under root, as a set.
  function rowIDs(root) {
    var out = {};
    var rows = root.querySelectorAll("tr[data-id]");
    for (var i = 0; i < rows.length; i++) out[rows[i].getAttribute("data-id")] = true;
    return out;
  }

  function live(box) {
    var d = box.dataset;
    var id = d.chat;
    var staff = d.role === "staff";
    var log = document.getElementById("chat-log");
    var typing = document.getElementById("chat-typing");
    var announcer = document.getElementById("chat-announce");
    var lastTypingSaid = 0;
    var seen = {};
    var items = log.querySelectorAll("li[data-seq]");
    for (var i = 0; i < items.length; i++) seen[items[i].getAttribute("data-seq")] = true;
    if (staff) keepPresent(box);
    if (d.open !== "true") return;

    var es = new EventSource("/api/v1/chats/" + id + "/events?last_event_id=" + encodeURIComponent(d.lastEvent || "0"));
    es.addEventListener("message", onEvent);
    es.addEventListener("system", onEvent);
    es.addEventListener("typing", function (m) { showTyping(JSON.parse(m.data)); });
    es.onerror = function () {
      // A refused reconnection (signed out, say) closes the stream for
      // good: fall back to what the page does without JavaScript.
      if (es.readyState === EventSource.CLOSED) window.setTimeout(function () { window.location.reload(); }, 10000);
    };
    es.addEventListener("end", function () {
      es.close();
      // The page as the server shows an ended chat: a hand-over's request
      // and its due time, no forms.
      window.setTimeout(function () { window.location.reload(); }, 800);
    });

    var waitingPoll = null;
    if (!staff) pollPlace();

    function onEvent(m) { add(JSON.parse(m.data), true); }

    // add puts an event into the transcript once, in the order of its
    // number; tell says to announce it unless it is one's own line.
    function add(e, tell) {
      if (seen[e.id]) return;
      seen[e.id] = true;
      var li = document.createElement("li");
      li.setAttribute("data-seq", e.id);
      li.id = "event-" + e.id;
      var who = "", text = e.body || "", mine = false;
      if (e.kind === "system") {
        li.className = "system";
        text = e.text || "";
      } else if (e.from_staff) {
        li.className = "staff";
        who = e.author || d.professional;
        if (staff && e.author && e.author === d.myName) who = d.you;
        mine = staff && who === d.you;
      } else {
        li.className = "resident";
        who = staff ? d.resident : d.you;
        mine = !staff;
      }
      var meta = document.createElement("p");
      meta.className = "meta";
      var t = document.createElement("time");
      t.setAttribute("datetime", e.at);
      t.textContent = (e.at || "").substr(11, 5).replace(":", ".");
      if (who) meta.appendChild(document.createTextNode(who + " · "));
      meta.appendChild(t);
      var body = document.createElement("p");
      body.className = "body";
      body.textContent = text;
      li.appendChild(meta);
      li.appendChild(body);
      var after = null;
      var all = log.querySelectorAll("li[data-seq]");
      for (var i = 0; i < all.length; i++) {
        if (+all[i].getAttribute("data-seq") > e.id) { after = all[i]; break; }
      }
      log.insertBefore(li, after);
      if (!after) li.scrollIntoView({ block: "nearest" });
      status(e.status);
      if (e.kind === "message") hideTyping();
      if (tell && !mine) say(announcer, who ? who + ": " + text : text);
    }

    function status(s) {
      var el = document.getElementById("chat-status");
      var text = d["status" + s.charAt(0).toUpperCase() + s.slice(1)];
      if (el && text) el.textContent = text;
      var place = document.getElementById("chat-queue-place");
      if (place && s !== "waiting") place.hidden = true;
    }

    var typingTimer = null;
    function showTyping(sig) {
      if (!typing) return;
      typing.textContent = sig.typing === "staff" && staff ? fill(d.typingColleague, sig.name || "") : d.typing;
      typing.hidden = false;
      var now = Date.now();
      if (now - lastTypingSaid >= typingEvery) {
        lastTypingSaid = now;
        say(announcer, typing.textContent);
      }
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(hideTyping, 4000);
    }
    function hideTyping() { if (typing) typing.hidden = true; }

    // While the chat waits, its place in the queue and the estimate are
    // read again every ten seconds.
    function pollPlace() {
      waitingPoll = window.setInterval(function () {
        if (document.hidden) return;
        api("/api/v1/chats/" + id).then(function (r) { return r.ok ? r.json() : null; }).then(function (c) {
          if (!c) return;
          if (c.status !== "waiting") { window.clearInterval(waitingPoll); status(c.status); return; }
          var pos = document.getElementById("chat-position"), est = document.getElementById("chat-estimate");
          if (pos && d.position) pos.textContent = fill(d.position, c.position);
          if (est && d.estimate) est.textContent = fill(d.estimate, Math.ceil((c.estimated_wait_seconds || 0) / 60));
        }).catch(function () {});
      }, 10000);
    }

    var form = document.getElementById("chat-form");
    if (!form) return;
    var input = form.querySelector("textarea");
    var lastTyping = 0;
    input.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping < 3000) return;
      lastTyping = now;
      api("/api/v1/chats/" + id + "/typing", "POST").catch(function () {});
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        send();
      }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      send();
    });

    var sending = false;
    function send() {
      var text = input.value.trim();
      if (!text || sending) return;
      sending = true;
      api("/api/v1/chats/" + id + "/messages", "POST", { message: text }).then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body && body.error ? body.error.message : String(r.status));
          input.value = "";
          problem("");
          add(body);
        });
      }).catch(function (err) { problem(err.message); }).then(function () {
        sending = false;
        input.focus();
      });
    }

    function problem(text) {
      var el = document.getElementById("chat-send-error");
      if (!el) {
        if (!text) return;
        el = document.createElement("p");
        el.id = "chat-send-error";
        el.className = "error";
        el.setAttribute("role", "alert");
        form.parentNode.insertBefore(el, form);
      }
      el.textContent = text;
      el.hidden = !text;
    }
  }

  // keepPresent asks for the chat queue every fifteen seconds while a
  // professional is on a chat's page: that keeps them available to chat,
  // and tells how many wait.
  function keepPresent(box) {
    var out = document.getElementById("chat-presence");
    function ask() {
      api("/api/v1/chats?status=waiting").then(function (r) { return r.ok ? r.json() : null; }).then(function (l) {
        if (l && out && box.dataset.waiting) out.textContent = fill(box.dataset.waiting, l.items.length);
      }).catch(function () {});
    }
    ask();
    window.setInterval(ask, 15000);
  }

  // refreshQueue fetches the queue page every data-refresh seconds and
  // swaps in the new lists; each fetch counts as the professional being
  // there.
  // Focus stays on the same link (by id) across a swap, else on the list;
  // #chat-queue-live tells how many chats newly wait.
  function refreshQueue(box) {
    var every = parseInt(box.getAttribute("data-refresh"), 10) * 1000 || 5000;
    var live = document.getElementById("chat-queue-live");
    window.setInterval(function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("chat-queue");
          if (!fresh || fresh.innerHTML === box.innerHTML) return;
          var before = rowIDs(box), after = rowIDs(fresh), added = 0;
          for (var k in after) if (!before[k]) added++;
          var active = document.activeElement;
          var had = active && active !== box && box.contains(active);
          var focusID = had ? active.id : "";
          var controls = "a[href], button, input, select, textarea, [tabindex]";
          var at = had && !focusID ? Array.prototype.indexOf.call(box.querySelectorAll(controls), active) : -1;
          box.innerHTML = fresh.innerHTML;
          if (had) {
            ((focusID && document.getElementById(focusID)) || (at >= 0 && box.querySelectorAll(controls)[at]) || box).focus({ preventScroll: true });
          }
          if (live && added > 0) {
            say(live, added === 1 ? live.getAttribute("data-new-one") : fill(live.getAttribute("data-new-many") || "", added));
          }
        })
        .catch(function () {});
    }, every);
  }
})();
