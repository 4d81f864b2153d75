/* The shopper's order page follows the store's steps (picked, packed, collected or shipped): it reloads when
   central's copy of the order changes. */
import { $, request } from "../shared/kit.js";

var box = $("order");
var done = { collected: 1, shipped: 1, cancelled: 1 };
function poll() {
  request(box.dataset.url).then(function (res) {
    if (res.status === 0) { setTimeout(poll, 8000); return; }
    var data = res.ok ? res.data : null;
    if (data && String(data.version) !== box.dataset.version) { window.location.reload(); return; }
    setTimeout(poll, 3000);
  });
}
if (box && !done[box.dataset.status]) setTimeout(poll, 3000);
