// What the sale screen shows: the lines, the totals, the change after payment, and messages
// (errors flash red and beep). Pure DOM writing from the state it is given; no requests.
import { $, escapeHtml, itemCount, money, priceHtml, qtyHtml, t, T } from "./common.js";


// ---- messages, red flash and a beep on errors ----------------------------------------------
let audio = null;
function beep() {
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "square";
    osc.frequency.value = 220;
    gain.gain.value = 0.08;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  } catch (e) { /* no sound device: the red flash is enough */ }
}

/** Show `text` in the message line: plain text (a server's refusal), or the catalog's words as [key, vars] parts
 * that re-word themselves when the till switches language. */
export function message(text, kind = "info") {
  const el = $("message");
  if (Array.isArray(text)) el.innerHTML = text.map(([key, vars]) => T(key, vars)).join(" ");
  else el.textContent = text || "";
  el.className = `message ${text && text.length ? `msg-${kind}` : ""}`;
  if (kind === "error") {
    document.body.classList.remove("flash");
    void document.body.offsetWidth; // restart the animation
    document.body.classList.add("flash");
    beep();
  }
}

function lineHtml(S, line, index, newest) {
  const cls = [line.id === S.selected ? "selected" : "", newest ? "newest" : ""].join(" ");
  const disc = line.discount > 0
    ? `<div class="line-disc">${escapeHtml(t("sale.discount"))} −${escapeHtml(money(line.discount))}</div>` : "";
  const gross = line.discount > 0 ? `<div class="line-gross">${escapeHtml(money(line.gross))}</div>` : "";
  return `<tr class="${cls}" data-id="${escapeHtml(line.id)}">
    <td class="c-no">${index + 1}</td>
    <td class="c-name"><div class="line-name">${escapeHtml(line.name)}</div>
      <div class="line-meta">${escapeHtml(line.barcode || line.sku)}</div>${disc}</td>
    <td class="c-qty num">${qtyHtml(line)}</td>
    <td class="c-price num">${priceHtml(line)}</td>
    <td class="c-amount num">${gross}${escapeHtml(money(line.net))}</td></tr>`;
}

function showRow(id, value) {
  $(`row-${id}`).hidden = !value;
  $(id).textContent = money(value || 0);
}

export function render(S) {
  const sale = S.sale;
  const lines = sale ? sale.lines : [];
  $("lines").innerHTML = lines.map((l, i) => lineHtml(S, l, i, S.fresh && i === lines.length - 1)).join("");
  $("lines-empty").hidden = lines.length > 0;
  const count = itemCount(lines);
  $("total").textContent = money(sale ? sale.total : 0);
  $("item-count").textContent = t("sale.items", { n: count });
  showRow("subtotal", sale && sale.discount ? sale.subtotal : 0);
  showRow("discount", sale ? sale.discount : 0);
  if (sale && sale.discount) {
    const spec = sale.discount_spec;
    // The row is every discount of the sale; its percent names the sale's own, and says when the lines' add to it.
    const withLines = sale.sale_discount > 0 && sale.discount > sale.sale_discount ? ` ${t("sale.plus_line_discounts")}` : "";
    const pct = spec && spec.kind === "percent" ? ` (${String(spec.value / 100).replace(".", ",")}%${withLines})` : "";
    $("discount").textContent = `−${money(sale.discount)}${pct}`;
  }
  $("tax").textContent = money(sale ? sale.tax : 0);
  showRow("rounding", sale ? sale.rounding : 0);
  const paying = sale && sale.tenders.length > 0 && sale.state === "open";
  showRow("paid", paying ? sale.paid : 0);
  $("row-remaining").hidden = !paying;
  $("remaining").textContent = money(sale ? sale.remaining : 0);
  const newest = lines[lines.length - 1];
  $("last-item").hidden = !newest;
  if (newest) {
    $("last-name").textContent = newest.name;
    $("last-price").innerHTML = newest.qty > 1 || newest.measure === "weight"
      // A narrow panel breaks the line at "×", never inside "Rp 42.000/kg"
      ? `<span class="nb">${qtyHtml(newest)}</span> × <span class="nb">${priceHtml(newest)}</span>`
      : escapeHtml(money(newest.unit_price));
  }
  $("qty-chip").hidden = !S.pendingQty;
  $("qty-chip").textContent = S.pendingQty ? t("sale.qty_next", { n: S.pendingQty }) : "";
  document.body.dataset.saleState = sale ? sale.state : "none";
  keepSelectedInSight();  // last: the rows above change the panels' heights
}

// The selected line (the newest, after a scan) stays in sight when the lines panel changes size after it was drawn:
// a badge or the totals' rows appearing, the last item's bar, a window resized.
let watched = null;
function scrollToSelected() {
  const sel = $("lines").querySelector("tr.selected");
  if (sel) sel.scrollIntoView({ block: "nearest" });
}
function keepSelectedInSight() {
  scrollToSelected();
  const panel = $("lines").closest(".lines-panel");
  if (panel && !watched && typeof ResizeObserver === "function") {
    watched = new ResizeObserver(scrollToSelected);
    watched.observe(panel);
  }
}

export function showPaid(view) {
  $("paid-label").textContent = view.change > 0 ? t("paid.change") : t("paid.no_change");
  $("paid-label").dataset.i18n = view.change > 0 ? "paid.change" : "paid.no_change";
  $("paid-change").textContent = money(view.change);
  $("paid-total").textContent = money(view.total);
  $("paid-paid").textContent = money(view.paid);
  // Every tender of the sale (cash and card of a split payment, points), each with its amount.
  $("paid-tenders").innerHTML = (view.tenders || []).map((x) => `<li data-type="${escapeHtml(x.type)}">
    <span>${escapeHtml(t(`tender.${x.type}`))}${x.reference ? ` · ${escapeHtml(x.reference)}` : ""}</span>
    <b>${escapeHtml(money(x.amount))}</b></li>`).join("");
  $("paid-number").textContent = view.number;
  // The receipt as the shopper gets it, beside the change (the printer may be out of paper).
  const page = view.receipt_page || view.receipt_url || "about:blank";
  $("paid-number").href = page;
  $("paid-receipt").src = page;
  $("paid-panel").hidden = false;
}
