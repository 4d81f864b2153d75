// Small helpers for the admin pages (an ES module, like the other screens'; their shared helpers are in
// static/shared/kit.js); every page works without them.
import { askBeforeActing, closeMoreMenus, dayFields } from "../shared/kit.js";

// A form whose fields follow a kind chosen in it (a promotion's kind): an element with data-kinds="free bundle"
// shows only for those kinds, a label's data-by-kind and an input's data-placeholder-by-kind ({kind: words}, written
// by the server in the page's language) say the words for the chosen kind. Without the script every field shows,
// worded for every kind, and the server refuses what does not fit the kind.
document.querySelectorAll("select[data-kind-switch]").forEach(function (kind) {
  var form = kind.form;
  var general = new Map(); // what the server wrote, for a kind with no words of its own
  form.querySelectorAll("label[data-by-kind]").forEach(function (label) { general.set(label, label.textContent); });
  form.querySelectorAll("[data-placeholder-by-kind]").forEach(function (input) { general.set(input, input.placeholder); });
  function follow() {
    form.querySelectorAll("[data-kinds]").forEach(function (part) {
      part.hidden = part.dataset.kinds.split(" ").indexOf(kind.value) < 0;
    });
    form.querySelectorAll("label[data-by-kind]").forEach(function (label) {
      label.textContent = JSON.parse(label.dataset.byKind)[kind.value] || general.get(label);
    });
    form.querySelectorAll("[data-placeholder-by-kind]").forEach(function (input) {
      input.placeholder = JSON.parse(input.dataset.placeholderByKind)[kind.value] || general.get(input);
    });
  }
  kind.addEventListener("change", follow);
  follow();
});

// Ask before what cannot be taken back (a form with data-confirm: discarding a dead letter, ending a promotion,
// refunding a payment).
askBeforeActing();
dayFields(); // the date fields: typed as 23/11/2026, with the browser's calendar a click away

// The top bar's More menu closes as a menu closes (Esc, a click or the focus elsewhere).
closeMoreMenus();
