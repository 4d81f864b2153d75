// The customer display of one till: read-only, live over Socket.IO. It joins the till's room and
// shows each "sale" as it changes, then "Terima kasih" with the change once "sale_completed" arrives. A dynamic
// QRIS ("qris") shows its code for the shopper to scan until it is paid, cancelled or expires.
import { $, applyTexts, boot, connectTill, escapeHtml, itemCount, money, priceHtml, qtyHtml, t } from "./common.js";

const THANKS_MS = 45000; // the thank-you stays until the next item or this long, then the welcome
let mode = "welcome";
let thanksTimer = null;
let thanksFor = null;
let qrisFor = null;
let lastSale = null;

function show(next) {
  mode = next;
  $("display").dataset.mode = next;
  $("d-welcome").hidden = next !== "welcome";
  $("d-sale").hidden = next !== "sale";
  $("d-thanks").hidden = next !== "thanks";
  $("d-qris").hidden = next !== "qris";
}

function showSale(sale) {
  clearTimeout(thanksTimer);
  const lines = sale.lines;
  $("d-lines").innerHTML = lines.map((l, i) => `<li class="${i === lines.length - 1 ? "newest" : ""}">
    <span class="d-name">${escapeHtml(l.name)}</span>
    <span class="d-qty">${qtyHtml(l)} × ${priceHtml(l)}</span>
    <span class="d-amount">${escapeHtml(money(l.net))}</span></li>`).join("");
  const newest = lines[lines.length - 1];
  $("d-last-name").textContent = newest.name;
  $("d-last-price").innerHTML = newest.qty > 1 || newest.measure === "weight"
    ? `${qtyHtml(newest)} × ${priceHtml(newest)}` : escapeHtml(money(newest.unit_price));
  $("d-count").textContent = t("display.items", { n: itemCount(lines) });
  $("d-discount").hidden = !sale.discount;
  $("d-discount").textContent = sale.discount ? `${t("display.discount")} ${money(sale.discount)}` : "";
  $("d-total").textContent = money(sale.total);
  show("sale");
  // After showing: a display that joins mid-sale (its section still hidden) scrolls to the newest line too.
  const last = $("d-lines").lastElementChild;
  if (last) last.scrollIntoView({ block: "end" });
}

function showThanks(sale) {
  if (thanksFor === sale.id && mode === "thanks") return;
  thanksFor = sale.id;
  $("d-t-total").textContent = money(sale.total);
  $("d-t-paid").textContent = money(sale.paid);
  $("d-t-change").textContent = money(sale.change);
  $("d-t-number").textContent = sale.number || "";
  show("thanks");
  clearTimeout(thanksTimer);
  thanksTimer = setTimeout(() => show("welcome"), THANKS_MS);
}

function onSale(sale) {
  if (!sale || !Array.isArray(sale.lines)) return;
  lastSale = sale;
  if (sale.state === "completed") { qrisFor = null; showThanks(sale); return; }
  if (mode === "qris" && qrisFor && sale.id === qrisFor.sale_id) return; // the QR stays until it is closed
  if (sale.state === "open" && sale.lines.length) { showSale(sale); return; }
  // An empty new sale keeps the thank-you on screen; a parked or voided sale clears the display.
  if (mode !== "thanks") show("welcome");
}

function live(ok) {
  const el = $("display-link");
  el.dataset.live = ok ? "1" : "0";
  const text = el.querySelector("[data-i18n]");
  text.dataset.i18n = ok ? "display.live" : "display.offline";
  text.textContent = t(text.dataset.i18n);
}

function onQris(charge) {
  if (!charge || !charge.charge_id) return;
  if (charge.open && charge.qr_image) {
    qrisFor = charge;
    $("d-qris-code").src = charge.qr_image;
    $("d-qris-code").alt = t("display.qris_scan");
    $("d-qris-amount").textContent = money(charge.amount);
    setState("display.qris_waiting");
    show("qris");
    return;
  }
  if (!qrisFor || qrisFor.charge_id !== charge.charge_id) return;
  qrisFor = null;
  if (charge.paid) { setState("display.qris_paid"); return; } // the sale's completion shows the thank-you
  if (lastSale && lastSale.state === "open" && lastSale.lines.length) showSale(lastSale);
  else show("welcome");
}

function setState(key) {
  const el = $("d-qris-state");
  el.dataset.i18n = key;
  el.textContent = t(key);
}

applyTexts();
connectTill(boot.till_id, { sale: onSale, sale_completed: showThanks, qris: onQris }, live);
