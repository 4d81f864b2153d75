/* The cart page follows the cart at the store: when a kiosk or till claims it, or it is paid, the page reloads. */
import { $, request } from "../shared/kit.js";

var box = $("cart");
var seen = box && box.dataset.statusUrl ? box.dataset.status + ":" + box.dataset.fence : null;
function poll() {
  request(box.dataset.statusUrl).then(function (res) {
    if (res.status === 0) { setTimeout(poll, 8000); return; }
    var data = res.ok ? res.data : null;
    if (data && data.status && data.status + ":" + data.fence !== seen) { window.location.reload(); return; }
    setTimeout(poll, 4000);
  });
}
if (seen && seen.indexOf("checked_out") !== 0 && seen.indexOf("expired") !== 0) setTimeout(poll, 4000);
// A changed quantity is sent at once; the button stays for keyboards and browsers without scripts.
document.querySelectorAll(".qty-form .qty").forEach(function (input) {
  input.addEventListener("change", function () { input.form.submit(); });
});
// A page restored from the back/forward cache (Back from the gateway) is the cart as it was: ask again.
window.addEventListener("pageshow", function (e) { if (e.persisted) window.location.reload(); });
