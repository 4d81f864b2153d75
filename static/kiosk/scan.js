/* Scanning at the kiosk: a keyboard-wedge scanner anywhere on the page, or the camera (vendored html5-qrcode). */
var GAP_MS = 1000; // a scanner types a code in a few ms; a pause this long starts a new code

/* Digits (or a QR's text) followed by Enter, typed anywhere on the page, is one scan. */
function listenWedge(onScan) {
  var buf = "";
  var last = 0;
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    var now = Date.now();
    if (now - last > GAP_MS) buf = "";
    last = now;
    if (e.key === "Enter") {
      var code = buf.trim();
      buf = "";
      if (code) {
        e.preventDefault();
        onScan(code);
      }
      return;
    }
    if (e.key.length === 1) {
      buf = (buf + e.key).slice(-160);
      e.preventDefault();
    }
  });
}

var scanner = null;

function stopCamera() {
  var s = scanner;
  scanner = null;
  if (!s) return Promise.resolve();
  return s.stop().catch(function () {}).then(function () {
    try { s.clear(); } catch (err) { /* already cleared */ }
  });
}

/* Starts the first camera; onCode(text) on the first read; onFail() when there is no camera to use. */
function startCamera(elementId, onCode, onFail) {
  var Lib = window.Html5Qrcode;
  var F = window.Html5QrcodeSupportedFormats;
  if (!Lib || !F || !navigator.mediaDevices) {
    onFail();
    return;
  }
  var settled = false;
  function fail() {
    if (settled) return;
    settled = true;
    stopCamera().then(onFail);
  }
  // A browser that never answers the camera question must not leave the shopper waiting.
  var guard = setTimeout(fail, 8000);
  Lib.getCameras().then(function (cams) {
    if (settled) return;
    if (!cams || !cams.length) { clearTimeout(guard); fail(); return; }
    scanner = new Lib(elementId, {
      verbose: false,
      formatsToSupport: [F.QR_CODE, F.EAN_13, F.EAN_8, F.UPC_A, F.UPC_E, F.CODE_128],
    });
    return scanner.start(cams[0].id, { fps: 10, qrbox: { width: 320, height: 220 } }, function (text) {
      stopCamera().then(function () { onCode(text); });
    }, function () { /* nothing in view yet */ }).then(function () {
      settled = true;
      clearTimeout(guard);
    });
  }).catch(function () { clearTimeout(guard); fail(); });
}

export const KioskScan = { listenWedge: listenWedge, startCamera: startCamera, stopCamera: stopCamera };
