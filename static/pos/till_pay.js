// F12: taking payment. Enter = exact cash, digits + Enter = cash given, C card, Q QRIS, E e-wallet
// (asks its reference), Del removes the last payment, Esc goes back. When nothing is left to pay
// the sale is completed at once and the change is shown.
import { MAX_AMOUNT, T, escapeHtml, money, parseAmount, roundCash, t } from "./common.js";
import { letter, showError } from "./till_dialogs.js";
import { qrisDialog } from "./till_qris.js";

const NOTES = [5000, 10000, 20000, 50000, 100000];
// The tenders with a key on this screen, from the server's tender registry (pos/domain/tenders.py), in its order.
const TENDER_KEYS = JSON.parse(document.getElementById("tender-keys")?.textContent || "[]");
const needsReference = (type) => TENDER_KEYS.some((k) => k.name === type && k.needs_reference);
const viaGateway = (type) => TENDER_KEYS.some((k) => k.name === type && k.gateway);

/** Banknote amounts a shopper is likely to hand over for `due` (integers only). */
function likelyCash(due) {
  const out = [];
  for (const note of NOTES) {
    const v = Math.ceil(due / note) * note;
    if (v > due && !out.includes(v)) out.push(v);
  }
  return out.sort((a, b) => a - b).slice(0, 4);
}

function topEl() {
  return document.getElementById("dialog");
}

export function pay(app) {
  const d = { name: "pay", given: "" };
  const sale = () => app.S.sale;
  const hasCash = () => sale().tenders.some((x) => x.type === "cash");
  const exactCash = () => {
    const r = sale().remaining;
    const rounded = hasCash() ? r : roundCash(r);
    return rounded > 0 ? rounded : r;
  };

  d.html = () => {
    const s = sale();
    const tenders = s.tenders.map((x) => `<li><span>${T(`tender.${x.type}`)}${x.reference ? ` · ${escapeHtml(x.reference)}` : ""}</span>
      <b class="num">${escapeHtml(money(x.amount))}</b></li>`).join("");
    const quick = likelyCash(exactCash()).map((v) => `<button type="button" class="btn quick" data-cash="${v}">${escapeHtml(money(v))}</button>`).join("");
    return `<h2>${T("pay.title")}</h2>
    <div class="pay-grid">
      <div class="pay-due">
        <div class="pay-label">${T(s.tenders.length ? "pay.remaining" : "pay.due")}</div>
        <div class="pay-amount" id="pay-remaining">${escapeHtml(money(s.remaining))}</div>
        ${tenders ? `<div class="pay-label">${T("pay.taken")}</div><ul class="tender-list">${tenders}</ul>` : ""}
      </div>
      <div class="pay-cash">
        <label class="field"><span>${T("pay.given")}</span>
          <input class="dialog-input big-input" id="pay-given" inputmode="numeric" maxlength="16" autocomplete="off"
            value="${escapeHtml(d.given)}"></label>
        <div class="amount-preview" id="pay-preview"></div>
        <div class="quick-cash"><button type="button" class="btn quick exact" data-exact>${T("pay.exact")}</button>${quick}</div>
      </div>
    </div>
    <div class="tender-keys">
      <button type="button" class="btn tender" data-exact><kbd>Enter</kbd>${T("tender.cash")}</button>
      ${TENDER_KEYS.map((k) => `<button type="button" class="btn tender" data-type="${escapeHtml(k.name)}"><kbd>${escapeHtml(k.key.toUpperCase())}</kbd>${T(`tender.${k.name}`)}</button>`).join("\n      ")}
    </div>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("pay.keys")}</div>`;
  };

  const preview = () => {
    const v = parseAmount(d.given);
    const el = d.el.querySelector("#pay-preview");
    if (v === null) { el.textContent = ""; return; }
    const change = v - exactCash();
    el.innerHTML = escapeHtml(money(v))
      + (change > 0 ? `<span class="change">${escapeHtml(t("paid.change"))} ${escapeHtml(money(change))}</span>` : "");
  };

  d.back = () => backToPay();
  const backToPay = () => {
    while (app.S.stack.length && app.S.stack[app.S.stack.length - 1] !== d) app.S.stack.pop();
    d.given = "";
    app.refreshDialog();
  };

  d.tender = (type, amount, reference) => app.run(async () => {
    if (d.busy) return;
    if (amount > MAX_AMOUNT) {
      showError(topEl(), t("err.amount_too_large", { max: money(MAX_AMOUNT) }));
      return;
    }
    d.busy = true;
    try {
      const body = { type, amount };
      if (reference) body.reference = reference;
      // One request: a payment that leaves nothing to pay completes the sale with it (unless central is to be
      // asked first: an online cart, a points hold; then complete() does that).
      const view = await app.call("POST", `/sales/${sale().id}/pay`, body);
      if (view.state === "completed") {
        app.completed(view);
      } else if (view.remaining === 0) {
        app.setSale(view);
        topEl().classList.add("completing");
        await app.complete();
      } else {
        app.setSale(view);
        backToPay();
      }
    } catch (err) {
      showError(topEl(), err);
    } finally {
      d.busy = false;
    }
  });

  const amountFor = (type) => {
    if (!d.given.trim()) return type === "cash" ? exactCash() : sale().remaining;
    return parseAmount(d.given);
  };

  const start = (type) => {
    const amount = amountFor(type);
    if (amount === null || amount <= 0) { showError(d.el, t("err.bad_amount")); return; }
    if (viaGateway(type)) app.openDialog(qrisDialog(app, d, amount));
    else if (needsReference(type)) app.openDialog(reference(app, d, type, amount));
    else d.tender(type, amount);
  };

  const removeLast = () => app.run(async () => {
    const last = sale().tenders[sale().tenders.length - 1];
    if (!last) return;
    try {
      app.setSale(await app.call("DELETE", `/sales/${sale().id}/tenders/${last.id}`));
      backToPay();
    } catch (err) { showError(d.el, err); }
  });

  d.mount = (el) => {
    d.el = el;
    const input = el.querySelector("#pay-given");
    input.focus();
    input.addEventListener("input", () => { d.given = input.value; preview(); });
    el.addEventListener("click", (e) => {
      const b = e.target.closest("button");
      if (!b) return;
      if ("exact" in b.dataset) start("cash");
      else if (b.dataset.cash) d.tender("cash", Number(b.dataset.cash));
      else if (b.dataset.type) start(b.dataset.type);
    });
    preview();
  };

  d.key = (e) => {
    const k = letter(e);
    if (e.key === "Enter") { e.preventDefault(); start("cash"); return true; }
    if (e.key === "Delete") { e.preventDefault(); removeLast(); return true; }
    const kind = TENDER_KEYS.find((x) => x.key === k);
    if (kind) { e.preventDefault(); start(kind.name); return true; }
    if (k && !/[\d.]/.test(k)) { e.preventDefault(); return true; }
    return false;
  };
  return d;
}

/** A tender that needs its reference (an e-wallet's, from the shopper's app, typed or scanned), then the payment. */
function reference(app, payDialog, type, amount) {
  const d = { name: "reference" };
  const field = `${type}-ref`;
  d.html = () => `<h2>${T(`tender.${type}`)} · ${escapeHtml(money(amount))}</h2>
    <label class="field"><span>${T("pay.reference")}</span>
      <input class="dialog-input" id="${escapeHtml(field)}" maxlength="64" autocomplete="off" spellcheck="false"></label>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("pay.reference_hint")}</div>`;
  d.mount = (el) => { d.el = el; el.querySelector(`#${field}`).focus(); };
  d.key = (e) => {
    if (e.key !== "Enter") return false;
    e.preventDefault();
    const ref = d.el.querySelector(`#${field}`).value.trim();
    if (!ref) { showError(d.el, t("err.reference_required")); return true; }
    payDialog.tender(type, amount, ref);
    return true;
  };
  return d;
}
