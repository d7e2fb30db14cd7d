// The video call of a video appointment (web/video.go): the browsers talk
// WebRTC to each other, and sotepe's WebSocket only relays their
// signalling. A participant who enters the call offers a connection to each
// one already in it; the others answer. Professionals enter at once and
// admit the others from the waiting room. Media never passes through
// sotepe, except relayed by its TURN server where no direct path exists.
// No framework, no inline script: the page's Content-Security-Policy
// allows only this file.
(function () {
  "use strict";
  var root = document.getElementById("video");
  var enterForm = document.getElementById("enter-form");
  if (!root || !enterForm) {
    return;
  }
  var role = root.dataset.role;
  var staff = role === "professional";
  var call = document.getElementById("call");
  var statusLine = document.getElementById("call-status");
  var localVideo = document.getElementById("local-video");
  var remotes = document.getElementById("remote-videos");
  var waitingRoom = document.getElementById("waiting-room");
  var waitingList = document.getElementById("waiting-list");
  var muteButton = document.getElementById("mute");
  var cameraButton = document.getElementById("camera");
  var leaveButton = document.getElementById("leave");

  // t reads a text of the page's language: data-t-in-call is t("inCall").
  function t(key) {
    return root.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)] || "";
  }
  function say(text) {
    statusLine.textContent = text;
  }

  if (!window.RTCPeerConnection || !navigator.mediaDevices || !window.WebSocket) {
    enterForm.insertAdjacentHTML("afterend", "<p class=\"error\" id=\"video-unsupported\"></p>");
    document.getElementById("video-unsupported").textContent = t("unsupported");
    return;
  }

  var stream = null; // the camera and the microphone
  var ws = null;
  var me = "";
  var iceServers = [];
  var peers = {}; // by member id: {pc, pending, figure}
  var names = {}; // by member id: what to call them
  var stopped = true; // the person left, or the room ended for good
  var retries = 0;

  function label(m) {
    var r = t("role" + m.role.charAt(0).toUpperCase() + m.role.slice(1));
    return m.name ? r + ": " + m.name : r;
  }

  function send(msg) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(msg));
    }
  }

  function start(ev) {
    ev.preventDefault();
    enterForm.hidden = true;
    call.hidden = false;
    stopped = false;
    say(t("starting"));
    navigator.mediaDevices.getUserMedia({ audio: true, video: true })
      .catch(function () { return navigator.mediaDevices.getUserMedia({ audio: true }); })
      .then(function (s) {
        stream = s;
        localVideo.srcObject = s;
        cameraButton.disabled = s.getVideoTracks().length === 0;
        connect();
      }, function () {
        say(t("noDevices"));
        enterForm.hidden = false;
        stopped = true;
      });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(scheme + "//" + location.host + root.dataset.socket);
    ws.addEventListener("message", function (e) {
      var msg;
      try {
        msg = JSON.parse(e.data);
      } catch (x) {
        return;
      }
      handle(msg);
    });
    ws.addEventListener("close", function () {
      ws = null;
      if (stopped) {
        return;
      }
      // A broken connection, a slow one or a restarting server: join again.
      // Calls already connected go on meanwhile.
      retries++;
      say(t("reconnecting"));
      setTimeout(function () { if (!stopped) { connect(); } }, Math.min(10000, 1000 * retries));
    });
  }

  function handle(msg) {
    switch (msg.type) {
      case "welcome":
        // A new connection is a new participant: the old calls end.
        Object.keys(peers).forEach(closePeer);
        me = msg.you;
        iceServers = msg.ice_servers || [];
        retries = 0;
        say(msg.admitted ? t("alone") : t("waiting"));
        break;
      case "admitted":
        say((msg.peers || []).length ? t("inCall") : t("alone"));
        (msg.peers || []).forEach(offer);
        break;
      case "members":
        showMembers(msg.members || []);
        break;
      case "signal":
        onSignal(msg.from, msg.data);
        break;
      case "left":
        closePeer(msg.peer);
        break;
      case "end":
        onEnd(msg.reason);
        break;
    }
  }

  function showMembers(list) {
    names = {};
    list.forEach(function (m) { names[m.id] = label(m); });
    Object.keys(peers).forEach(function (id) {
      if (peers[id].caption && names[id]) {
        peers[id].caption.textContent = names[id];
      }
    });
    if (!staff) {
      return;
    }
    waitingList.textContent = "";
    var waiting = list.filter(function (m) { return !m.admitted; });
    waitingRoom.hidden = waiting.length === 0;
    waiting.forEach(function (m) {
      var li = document.createElement("li");
      li.textContent = label(m) + " ";
      var b = document.createElement("button");
      b.type = "button";
      b.className = "admit";
      b.dataset.peer = m.id;
      b.textContent = t("admit");
      b.addEventListener("click", function () {
        b.disabled = true;
        send({ type: "admit", peer: m.id });
      });
      li.appendChild(b);
      waitingList.appendChild(li);
    });
  }

  // peer returns the connection with member id, made on first use.
  function peer(id) {
    var p = peers[id];
    if (p) {
      return p;
    }
    var pc = new RTCPeerConnection({ iceServers: iceServers });
    p = peers[id] = { pc: pc, pending: [], figure: null, caption: null };
    stream.getTracks().forEach(function (track) { pc.addTrack(track, stream); });
    pc.addEventListener("icecandidate", function (e) {
      if (e.candidate) {
        send({ type: "signal", to: id, data: { candidate: e.candidate.toJSON() } });
      }
    });
    pc.addEventListener("track", function (e) {
      if (!p.figure) {
        p.figure = document.createElement("figure");
        p.figure.className = "remote";
        var v = document.createElement("video");
        v.autoplay = true;
        v.playsInline = true;
        v.id = "remote-" + id;
        p.caption = document.createElement("figcaption");
        p.caption.textContent = names[id] || "";
        p.figure.appendChild(v);
        p.figure.appendChild(p.caption);
        remotes.appendChild(p.figure);
      }
      p.figure.firstChild.srcObject = e.streams[0];
    });
    pc.addEventListener("connectionstatechange", function () {
      if (pc.connectionState === "connected") {
        send({ type: "connected", peer: id });
        say(t("connected"));
      } else if (pc.connectionState === "failed") {
        say(t("failed"));
      }
    });
    return p;
  }

  function offer(id) {
    var p = peer(id);
    p.pc.createOffer()
      .then(function (o) { return p.pc.setLocalDescription(o); })
      .then(function () { send({ type: "signal", to: id, data: { sdp: p.pc.localDescription.toJSON() } }); })
      .catch(function () { say(t("failed")); });
  }

  function onSignal(from, data) {
    if (!data || !stream) {
      return;
    }
    var p = peer(from);
    if (data.sdp) {
      p.pc.setRemoteDescription(data.sdp)
        .then(function () {
          p.pending.forEach(function (c) { p.pc.addIceCandidate(c).catch(function () {}); });
          p.pending = [];
          if (data.sdp.type !== "offer") {
            return null;
          }
          return p.pc.createAnswer()
            .then(function (a) { return p.pc.setLocalDescription(a); })
            .then(function () { send({ type: "signal", to: from, data: { sdp: p.pc.localDescription.toJSON() } }); });
        })
        .catch(function () { say(t("failed")); });
    } else if (data.candidate) {
      if (p.pc.remoteDescription) {
        p.pc.addIceCandidate(data.candidate).catch(function () {});
      } else {
        p.pending.push(data.candidate);
      }
    }
  }

  function closePeer(id) {
    var p = peers[id];
    if (!p) {
      return;
    }
    p.pc.close();
    if (p.figure) {
      p.figure.remove();
    }
    delete peers[id];
  }

  function stopMedia() {
    Object.keys(peers).forEach(closePeer);
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    localVideo.srcObject = null;
  }

  function onEnd(reason) {
    if (reason === "slow" || reason === "shutdown") {
      return; // the socket closes, and the page joins again
    }
    stopped = true;
    say(t("end" + reason.charAt(0).toUpperCase() + reason.slice(1)) || t("left"));
    // When the time is over, a call still going is not cut: it ends when
    // someone leaves. Anything else ends it now.
    if (reason !== "closed") {
      stopMedia();
    }
  }

  function toggle(button, tracks, onText, offText) {
    var enabled = false;
    tracks.forEach(function (track) {
      track.enabled = !track.enabled;
      enabled = track.enabled;
    });
    button.setAttribute("aria-pressed", String(!enabled));
    button.textContent = enabled ? onText : offText;
  }

  enterForm.addEventListener("submit", start);
  muteButton.addEventListener("click", function () {
    if (stream) {
      toggle(muteButton, stream.getAudioTracks(), t("mute"), t("unmute"));
    }
  });
  cameraButton.addEventListener("click", function () {
    if (stream) {
      toggle(cameraButton, stream.getVideoTracks(), t("cameraOff"), t("cameraOn"));
    }
  });
  leaveButton.addEventListener("click", function () {
    stopped = true;
    if (ws) {
      ws.close();
    }
    stopMedia();
    say(t("left"));
    call.hidden = true;
    enterForm.hidden = false;
  });
}());
