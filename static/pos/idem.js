// One Idempotency-Key per user action on the till's writes that create or pay (open sale, tender, points,
// complete, refund, cart take). A request whose answer was lost is sent again once with the same key, so the
// store server does the action once and answers the retry with the first result.
(function () {
  "use strict";
  var PAYING = [/^\/sales$/, /^\/sales\/[^/]+\/(tenders|points|complete)$/, /^\/refunds$/,
                /^\/kiosk-carts\/take$/, /^\/online-carts\/take$/];
  var RETRY_MS = 700;

  // crypto.randomUUID needs a secure context; a till on the store LAN is often plain http.
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function send(path, init) {
    var url = "/api/v1" + path;
    if ((init.method || "GET").toUpperCase() !== "POST" || !PAYING.some(function (r) { return r.test(path); })) {
      return fetch(url, init);
    }
    var keyed = Object.assign({}, init, { headers: Object.assign({}, init.headers, { "Idempotency-Key": newKey() }) });
    return fetch(url, keyed).catch(function () {
      return new Promise(function (done) { setTimeout(done, RETRY_MS); }).then(function () { return fetch(url, keyed); });
    });
  }

  window.omnitokoFetch = send;
})();
