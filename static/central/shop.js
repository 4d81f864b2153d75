/* The cart page follows the cart at the store: when a kiosk or till claims it, or it is paid, the page reloads. */
(function () {
  "use strict";
  var box = document.getElementById("cart");
  if (!box || !box.dataset.statusUrl) return;
  var seen = box.dataset.status + ":" + box.dataset.fence;
  if (seen.indexOf("checked_out") === 0 || seen.indexOf("expired") === 0) return;
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.status && data.status + ":" + data.fence !== seen) { window.location.reload(); return; }
        setTimeout(poll, 4000);
      }, function () { setTimeout(poll, 8000); });
  }
  setTimeout(poll, 4000);
  // A changed quantity is sent at once; the button stays for keyboards and browsers without scripts.
  document.querySelectorAll(".qty-form .qty").forEach(function (input) {
    input.addEventListener("change", function () { input.form.submit(); });
  });
})();
