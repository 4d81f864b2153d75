// F7 then C: cash in and out of the drawer between sales ("Kas keluar / Kas masuk"). One key picks why (a drop to
// the safe, a store expense, more change, or other with the cashier's words), digits the amount, and cash leaving
// the drawer asks a manager in place (code + PIN) naming the act and the amount. The drawer opens once recorded.
import { idempotencyKey } from "../shared/kit.js";
import { T, escapeHtml, money, parseAmount, t } from "./common.js";
import { approval, reasonKeys, showError } from "./till_dialogs.js";

// In the order the till offers them (keys 1-5); which way each moves cash (pos/domain/cash_moves.py REASONS).
const REASONS = [
  ["safe_drop", "out"], ["store_expense", "out"], ["more_change", "in"], ["other_out", "out"], ["other_in", "in"],
];
const NEEDS_NOTE = new Set(["other_out", "other_in"]);
const WITH_NOTE = new Set(["store_expense", "other_out", "other_in"]);

/** The id the till gives one act: kept while its dialog is open, so a retry is recorded once. */
function newId() {
  const h = idempotencyKey();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Whether the till is between sales: a sale with items under way is finished or parked (F8) first. */
export function saleUnderWay(app) {
  const s = app.S.sale;
  return Boolean(s && s.state === "open" && s.lines.length && document.getElementById("paid-panel").hidden);
}

// ---- why: one key --------------------------------------------------------------------------------
export function cash(app) {
  const d = { name: "cash", index: -1, expected: null };
  d.html = () => `<h2>${T("cash.title")}</h2>
    <div class="muted" id="cash-drawer">${d.expected === null ? "" : escapeHtml(t("cash.drawer", { amount: money(d.expected) }))}</div>
    <ul class="pick-list" id="cash-reasons">${REASONS.map(([r, way], i) => `<li class="${i === d.index ? "selected" : ""}" data-i="${i}">
      <span class="pick-name"><kbd>${i + 1}</kbd> ${T(`cash.reason.${r}`)}</span>
      <span class="pick-stock">${T(`cash.${way}`)}</span></li>`).join("")}</ul>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("cash.hint")}</div>`;
  const pick = (i) => { d.index = i; app.openDialog(amount(app, REASONS[i][0], REASONS[i][1], d.expected)); };
  d.mount = (el) => {
    d.el = el;
    el.tabIndex = -1;
    el.focus();
    el.addEventListener("click", (e) => { const li = e.target.closest("li[data-i]"); if (li) pick(Number(li.dataset.i)); });
    if (d.expected === null) {
      app.call("GET", "/reports/x").then(
        (x) => { d.expected = x.expected_cash; if (app.isTop(d)) app.refreshDialog(); },
        (err) => { if (app.isTop(d)) showError(el, err); },
      );
    }
  };
  d.key = reasonKeys(app, d, REASONS.length, pick, () => t("cash.pick_needed"));
  return d;
}

// ---- how much (and what for); cash out: the manager approves --------------------------------------
function amount(app, reason, way, expected) {
  const d = { name: "cash-amount", id: newId(), value: "", note: "" };
  const withNote = WITH_NOTE.has(reason);
  d.html = () => `<h2>${T(`cash.reason.${reason}`)} <small class="muted">(${T(`cash.${way}`)})</small></h2>
    ${expected === null ? "" : `<div class="muted">${escapeHtml(t("cash.drawer", { amount: money(expected) }))}</div>`}
    <label class="field"><span>${T("cash.amount")}</span>
      <input class="dialog-input big-input" id="cash-amount" inputmode="numeric" maxlength="20" autocomplete="off"
        value="${escapeHtml(d.value)}"></label>
    <div class="amount-preview" id="cash-preview"></div>
    ${withNote ? `<label class="field"><span>${T("cash.note")}</span>
      <input class="dialog-input" id="cash-note" maxlength="120" autocomplete="off"
        placeholder="${escapeHtml(t("cash.note_placeholder"))}" value="${escapeHtml(d.note)}"></label>` : ""}
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("cash.amount_hint")}</div>`;
  const preview = () => {
    const v = parseAmount(d.value);
    d.el.querySelector("#cash-preview").textContent = v === null ? "" : money(v);
  };
  d.mount = (el) => {
    d.el = el;
    const input = el.querySelector("#cash-amount");
    input.focus();
    input.addEventListener("input", () => { d.value = input.value; preview(); });
    const note = el.querySelector("#cash-note");
    if (note) note.addEventListener("input", () => { d.note = note.value; });
    preview();
  };
  const send = async (a) => {
    const body = { id: d.id, reason, amount: parseAmount(d.value), note: d.note.trim() };
    if (a) body.approval = a;
    const done = await app.call("POST", "/cash-moves", body);
    app.closeAll();
    const words = {
      amount: money(done.amount), reason: { key: `cash.reason.${reason}` }, expected: money(done.expected_cash ?? 0),
    };
    app.message([[`cash.done_${way}`, words]], "ok");
  };
  d.key = (e) => {
    if (e.key !== "Enter") return false;
    e.preventDefault();
    const value = parseAmount(d.value);
    const note = d.el.querySelector("#cash-note");
    if (value === null || value <= 0) { showError(d.el, t("err.cash_amount_not_positive")); return true; }
    // Enter in the amount moves on to "what for" while it is needed and empty, as the approval's code then PIN.
    if (note && document.activeElement !== note && NEEDS_NOTE.has(reason) && !d.note.trim()) { note.focus(); return true; }
    if (NEEDS_NOTE.has(reason) && !d.note.trim()) { showError(d.el, t("err.cash_note_required")); return true; }
    if (way === "in") {
      app.run(async () => { try { await send(null); } catch (err) { showError(d.el, err); } });
      return true;
    }
    if (expected !== null && value > expected) {
      showError(d.el, t("err.drawer_short", { max: money(Math.max(expected, 0)), amount: money(value) }));
      return true;
    }
    const question = t("cash.q", { reason: t(`cash.reason.${reason}`), amount: money(value), till: app.S.staff.till_id });
    app.openDialog(approval(app, (a) => app.run(() => send(a)), question));
    return true;
  };
  return d;
}
