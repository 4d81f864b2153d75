// Q on the pay screen: a dynamic QRIS of the amount due, made by the central store's gateway. The QR shows here and
// on the customer display; the till asks every few seconds whether the shopper has paid, and the payment is taken
// (and the sale completed) once central confirms it. Esc withdraws the QR. With the central store out of reach the
// cashier takes the store's printed static QRIS instead, with the reference from the shopper's app.
import { T, boot, escapeHtml, money, t } from "./common.js";
import { showError } from "./till_dialogs.js";

const POLL_MS = Math.max(500, (boot.qris_poll_seconds || 2) * 1000);

export function qrisDialog(app, payDialog, amount) {
  const d = { name: "qris", state: "asking", charge: null, timer: null };
  const sale = () => app.S.sale;
  const onTop = () => app.isTop(d);
  const stop = () => { clearTimeout(d.timer); d.timer = null; };
  const redraw = () => { if (onTop()) app.refreshDialog(); };

  d.html = () => {
    if (d.state === "offline") {
      return `<h2>${T("tender.qris")} · ${escapeHtml(money(amount))}</h2>
        <p class="qris-note" id="qris-offline">${T("qris.offline")}</p>
        <label class="field"><span>${T("qris.static_reference")}</span>
          <input class="dialog-input" id="qris-ref" maxlength="64" autocomplete="off" spellcheck="false"></label>
        <div class="dialog-msg" role="alert"></div>
        <div class="dialog-hint">${T("qris.static_hint")}</div>`;
    }
    const img = d.charge && d.charge.qr_image
      ? `<img id="qris-code" class="qris-code" src="${escapeHtml(d.charge.qr_image)}" alt="${escapeHtml(t("qris.code_alt"))}">`
      : "";
    return `<h2>${T("tender.qris_dynamic")} · ${escapeHtml(money(amount))}</h2>
      <div class="qris-box">${img}</div>
      <div class="qris-state" id="qris-state" data-state="${escapeHtml(d.state)}">${T(`qris.state.${d.state}`)}</div>
      <div class="dialog-msg" role="alert"></div>
      <div class="dialog-hint">${T(d.state === "waiting" ? "qris.hint" : "qris.hint_closed")}</div>`;
  };

  const schedule = () => { stop(); if (onTop()) d.timer = setTimeout(check, POLL_MS); };

  const taken = async (view) => {
    d.charge = view;
    if (view.sale) app.setSale(view.sale);
    if (view.paid) {
      stop();
      d.state = "paid";
      redraw();
      if (sale().remaining === 0) await app.complete();
      else payDialog.back();
      return;
    }
    if (!view.open) {
      stop();
      d.state = view.status === "expire" ? "expired" : "cancelled";
      redraw();
      return;
    }
    schedule();
  };

  const begin = () => app.run(async () => {
    try {
      const view = await app.call("POST", `/sales/${sale().id}/qris`, { amount });
      d.charge = view;
      d.state = "waiting";
      redraw();
      await taken(view);
    } catch (err) {
      d.state = err.code === "qris_offline" ? "offline" : "failed";
      redraw();
      if (d.state === "failed") showError(d.el, err);
    }
  });

  const check = () => app.run(async () => {
    if (!onTop() || !d.charge) { stop(); return; }
    try {
      await taken(await app.call("GET", `/qris/${d.charge.charge_id}`));
    } catch (err) {
      showError(d.el, err);
      schedule();
    }
  });

  const cancel = () => app.run(async () => {
    stop();
    try {
      await taken(await app.call("POST", `/qris/${d.charge.charge_id}/cancel`));
    } catch (err) {
      showError(d.el, err);
    }
  });

  d.mount = (el) => {
    d.el = el;
    if (d.state === "offline") el.querySelector("#qris-ref").focus();
    if (!d.started) { d.started = true; begin(); }
  };

  d.key = (e) => {
    if (e.key === "Escape" && d.state === "waiting") { e.preventDefault(); cancel(); return true; }
    if (e.key === "Escape") { stop(); return false; }
    if (d.state !== "offline" || e.key !== "Enter") return false;
    e.preventDefault();
    const ref = d.el.querySelector("#qris-ref").value.trim();
    if (!ref) { showError(d.el, t("err.reference_required")); return true; }
    payDialog.tender("qris", amount, ref);
    return true;
  };
  return d;
}
