// The device check (GET /video/check): shows the camera's picture, the
// microphone's level and plays a test sound, all in the browser. Nothing
// leaves it.
(function () {
  "use strict";
  var root = document.getElementById("check");
  if (!root) {
    return;
  }
  var startButton = document.getElementById("check-start");
  var video = document.getElementById("check-video");
  var meter = document.getElementById("check-mic");
  var speaker = document.getElementById("check-speaker");
  var result = document.getElementById("check-result");
  var audio = null; // the page's AudioContext, made on the first click

  function t(key) {
    return root.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)] || "";
  }
  function tell(key, cls) {
    var li = document.createElement("li");
    li.textContent = t(key);
    li.className = cls;
    li.id = "result-" + key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); });
    result.appendChild(li);
  }
  function context() {
    var AC = window.AudioContext || window.webkitAudioContext;
    if (!audio && AC) {
      audio = new AC();
    }
    return audio;
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    tell("unsupported", "error");
    startButton.disabled = true;
    return;
  }

  function listen(stream) {
    var ac = context();
    if (!ac || stream.getAudioTracks().length === 0) {
      return;
    }
    var analyser = ac.createAnalyser();
    analyser.fftSize = 512;
    ac.createMediaStreamSource(stream).connect(analyser);
    var data = new Uint8Array(analyser.fftSize);
    function draw() {
      analyser.getByteTimeDomainData(data);
      var peak = 0;
      for (var i = 0; i < data.length; i++) {
        peak = Math.max(peak, Math.abs(data[i] - 128) / 128);
      }
      meter.value = peak;
      requestAnimationFrame(draw);
    }
    draw();
  }

  startButton.addEventListener("click", function () {
    startButton.disabled = true;
    result.textContent = "";
    navigator.mediaDevices.getUserMedia({ audio: true, video: true })
      .catch(function () { return navigator.mediaDevices.getUserMedia({ audio: true }); })
      .then(function (stream) {
        var hasVideo = stream.getVideoTracks().length > 0;
        video.srcObject = hasVideo ? stream : null;
        tell(hasVideo ? "cameraOk" : "cameraNone", hasVideo ? "ok" : "error");
        var hasAudio = stream.getAudioTracks().length > 0;
        tell(hasAudio ? "micOk" : "micNone", hasAudio ? "ok" : "error");
        listen(stream);
      }, function () {
        tell("denied", "error");
        startButton.disabled = false;
      });
  });

  speaker.addEventListener("click", function () {
    var ac = context();
    if (!ac) {
      return;
    }
    var osc = ac.createOscillator();
    var gain = ac.createGain();
    osc.frequency.value = 440;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(ac.destination);
    osc.start();
    osc.stop(ac.currentTime + 1);
    result.textContent = "";
    tell("speaker", "ok");
  });
}());
