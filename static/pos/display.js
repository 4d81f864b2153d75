// The customer display of one till: read-only, live over Socket.IO. It joins the till's room and
// shows each "sale" as it changes, then "Terima kasih" with the change once "sale_completed" arrives. A dynamic
// QRIS ("qris") shows its code for the shopper to scan until it is paid, cancelled or expires.
import {
  $, applyTexts, boot, connectTill, escapeHtml, groupThousands as num, itemCount, money, priceHtml, qtyHtml, t,
} from "./common.js";

const THANKS_MS = 45000; // the thank-you stays until the next item or this long, then the welcome
let mode = "welcome";
let thanksTimer = null;
let thanksFor = null;
let qrisFor = null;
let lastSale = null;
let member = null; // the member on the open sale: { sale_id, masked_name, balance, earn_per_amount } (never the number)

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
    <span class="d-qty">${qtyHtml(l)} × ${priceHtml(l)}${l.discount > 0
      ? ` <span class="d-line-disc">${escapeHtml(t("display.discount"))} ${escapeHtml(money(l.discount))}</span>` : ""}</span>
    <span class="d-amount">${escapeHtml(money(l.net))}</span></li>`).join("");
  const newest = lines[lines.length - 1];
  $("d-last-name").textContent = newest.name;
  // What the shopper pays for it, big; how it was counted or weighed, small under it.
  $("d-last-price").textContent = money(newest.gross);
  $("d-last-how").innerHTML = newest.qty > 1 || newest.measure === "weight" ? `${qtyHtml(newest)} × ${priceHtml(newest)}` : "";
  showMember(sale);
  $("d-count").textContent = t("display.items", { n: itemCount(lines) });
  $("d-discount").hidden = !sale.discount;
  $("d-discount").textContent = sale.discount ? `${t("display.discount")} ${money(sale.discount)}` : "";
  $("d-total").textContent = money(sale.total);
  showPaying(sale);
  show("sale");
  // After showing: a display that joins mid-sale (its section still hidden) scrolls to the newest line too.
  const last = $("d-lines").lastElementChild;
  if (last) last.scrollIntoView({ block: "end" });
}

// Each tender as the shopper knows it ("Poin Rp 100.000"), never its reference.
function tendersHtml(tenders) {
  return (tenders || []).map((x) => `<li data-type="${escapeHtml(x.type)}"><span data-i18n="tender.${escapeHtml(x.type)}">${
    escapeHtml(t(`tender.${x.type}`))}</span> <b>${escapeHtml(money(x.amount))}</b></li>`).join("");
}

// A sale paid in parts: the till's "Paid" and "Still to pay", so the shopper sees what the card or cash is for.
function showPaying(sale) {
  const paying = (sale.tenders || []).length > 0;
  $("d-paying").hidden = !paying;
  $("d-last").hidden = paying; // room for the payment: the last item matters no more
  $("d-tenders").innerHTML = paying ? tendersHtml(sale.tenders) : "";
  $("d-remaining").textContent = money(sale.remaining || 0);
}

function showMember(sale) {
  const on = !!member && member.sale_id === sale.id;
  $("d-member").hidden = !on;
  if (!on) return;
  $("d-member-name").textContent = member.masked_name;
  const paidInPoints = (sale.tenders || []).reduce((n, x) => n + (x.type === "points" ? x.amount : 0), 0);
  const earns = Math.floor(Math.max(0, sale.total - paidInPoints) / (member.earn_per_amount || 10000));
  // Points paying this sale are spent: the balance shown is what will be left.
  const used = Math.floor(paidInPoints / (member.point_value || 1));
  const points = used
    ? t("display.pointsLeft", { n: num(Math.max(0, member.balance - used)), used: num(used) })
    : t("display.points", { n: num(member.balance) });
  $("d-member-points").textContent = `${points} · ${t("display.earns", { n: earns })}`;
}

function onMember(data) {
  if (!data || !data.sale_id) return;
  member = data.member ? { ...data.member, sale_id: data.sale_id } : null;
  if (lastSale && lastSale.id === data.sale_id && mode === "sale") showSale(lastSale);
}

function showThanks(sale) {
  if (thanksFor === sale.id && mode === "thanks") return;
  thanksFor = sale.id;
  const points = sale.loyalty;
  $("d-t-points").hidden = !points;
  $("d-t-points").textContent = points
    ? `${points.masked_name} · ${t("display.earned", { n: points.earned })} · ${t("display.balance", { n: num(points.balance) })}` : "";
  $("d-t-total").textContent = money(sale.total);
  $("d-t-paid").textContent = money(sale.paid);
  $("d-t-tenders").innerHTML = (sale.tenders || []).length > 1 ? tendersHtml(sale.tenders) : "";
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
connectTill(boot.till_id, { sale: onSale, sale_completed: showThanks, qris: onQris, sale_member: onMember }, live);
