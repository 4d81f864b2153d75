// Small helpers for the manager pages (an ES module over static/shared/kit.js); every page works without them.
import { $, askBeforeActing, closeMoreMenus, dayFields, groupThousands, kgText, parseStockQty, useCurrency } from "../shared/kit.js";
import { showElsewhere } from "../pos/stock_elsewhere.js";

// Ask before what cannot be taken back: posting or cancelling a count, discarding an event, cancelling an online
// order, revoking a kiosk, turning a code off; a button that asks (declining a transfer) asks for itself alone.
askBeforeActing();
dayFields(); // the date fields: typed as 23/11/2026, with the browser's calendar a click away

// "Back" on a refusal goes back where the person came from (without the script: to the manager's home).
document.querySelectorAll("a[data-back]").forEach(function (back) {
  back.addEventListener("click", function (ev) {
    if (window.history.length > 1) { ev.preventDefault(); window.history.back(); }
  });
});

// A product's page: its stock at the other stores and the warehouse, asked of central once the page is shown.
const elsewhere = $("elsewhere");
if (elsewhere) showElsewhere(elsewhere.querySelector("div"), elsewhere.dataset.url);

// A header box that checks or clears every row's box of its table (the rows start checked without it).
document.querySelectorAll("input[data-check-all]").forEach(function (all) {
  all.addEventListener("change", function () {
    $(all.dataset.checkAll).querySelectorAll("tbody input[type=checkbox]").forEach(function (b) { b.checked = all.checked; });
  });
});
// The shelf-label sheet's own print button.
document.querySelectorAll("button[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
// Quick filter: hide the rows of a table that do not contain the typed words.
document.querySelectorAll("input.quick[data-filter]").forEach(function (input) {
  var section = $(input.dataset.filter);
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    section.querySelectorAll("tbody tr").forEach(function (tr) {
      var text = tr.textContent.toLowerCase();
      tr.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
  });
});
// Before/after preview on the product page's adjustment form: the typed figure read as the server reads it (a
// weighed product's kg, in grams), the result in the store's number format ("24,975 kg → 23,475 kg").
var adjust = document.querySelector("form#adjust-form[data-before]");
if (adjust) {
  useCurrency({ thousands: adjust.dataset.thousands || ".", decimal: adjust.dataset.decimal || "," });
  var before = parseInt(adjust.dataset.before, 10);
  var weighed = adjust.dataset.measure === "weight";
  var out = adjust.querySelector(".after");
  var shown = function (n) {
    if (weighed) return n === 0 ? "0 kg" : kgText(n); // none left: "0 kg", as the pages say it
    return (n < 0 ? "-" : "") + groupThousands(String(Math.abs(n)));
  };
  var update = function () {
    var qty = parseStockQty(adjust.qty.value, weighed);
    var opt = adjust.reason.selectedOptions[0];
    var sign = opt && opt.dataset.sign ? parseInt(opt.dataset.sign, 10) : 0;
    out.textContent = (!sign || qty === null || qty <= 0) ? "?" : shown(before + sign * qty);
  };
  adjust.addEventListener("input", update);
  adjust.addEventListener("change", update);
  update();
}
// Enter in a field that comes before the scan field moves on to it instead of submitting half a form.
document.querySelectorAll("input[data-enter-next]").forEach(function (input) {
  input.addEventListener("keydown", function (ev) {
    var next = $(input.dataset.enterNext);
    if (ev.key === "Enter" && next && !next.value) { ev.preventDefault(); next.focus(); }
  });
});
// A scanner types digits then Enter: keep the scan field ready after every page load.
var scan = $("scan");
if (scan && document.activeElement === scan) scan.select();
// The top bar's More menu closes as a menu closes (Esc, a click or the focus elsewhere).
closeMoreMenus();
