// F5 Transaksi: the shift's receipts and finding one (number, scanned receipt QR, date, amount, member); from a
// receipt: refund lines or all of it back to the original tender, reprint; from the list: void the sale under way.
// Every act asks a manager in place, naming the act and the amount. All from the keyboard.
import { T, escapeHtml, money, qtyOf, t } from "./common.js";
import { approval, letter, reasonKeys, showError } from "./till_dialogs.js";

const MODES = ["number", "date", "amount", "member"];
// The digital receipt's link printed in its QR: a wedge scanner types it into whatever has focus.
export const RECEIPT_LINK = /\/r\/[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9_-]{8,}\/?$/;

const tender = (type) => t(`tender.${type}`);

// ---- the list ------------------------------------------------------------------------------
export function transactions(app, { query = "" } = {}) {
  const d = { name: "tx", mode: "number", query, searched: null, items: null, index: 0, seq: 0 };
  d.html = () => `<h2>${T("tx.title")}</h2>
    <div class="opts tx-modes">${MODES.map((m) => `<span class="opt ${m === d.mode ? "on" : ""}">${T(`tx.mode.${m}`)}</span>`).join("")}</div>
    <input class="dialog-input" id="tx-q" autocomplete="off" spellcheck="false" maxlength="200"
      placeholder="${escapeHtml(t(`tx.placeholder.${d.mode}`))}" value="${escapeHtml(d.query)}">
    <div class="muted tx-caption" id="tx-caption"></div>
    <ul class="pick-list tx-list" id="tx-list"></ul>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("tx.hint")}</div>`;
  const draw = () => {
    const ul = d.el.querySelector("#tx-list");
    const cap = d.el.querySelector("#tx-caption");
    if (d.items === null) { ul.innerHTML = ""; cap.textContent = ""; return; }
    cap.textContent = d.searched ? t("tx.found", { n: d.items.length }) : t("tx.shift");
    ul.innerHTML = d.items.length ? d.items.map((r, i) => `<li class="${i === d.index ? "selected" : ""}" data-i="${i}">
      <span class="pick-name">${escapeHtml(r.number)}<small>${escapeHtml(t("tx.row", { at: r.at, n: r.items }))}${
        r.member ? ` · ${escapeHtml(r.member)}` : ""}</small></span>
      ${r.refunded ? `<span class="pick-stock">${escapeHtml(t("tx.refunded", { amount: money(r.refunded) }))}</span>` : ""}
      <span class="pick-price num">${escapeHtml(money(r.total))}</span></li>`).join("")
      : `<li class="empty">${T("tx.none")}</li>`;
    const sel = ul.querySelector("li.selected");
    if (sel) sel.scrollIntoView({ block: "nearest" });
  };
  const search = async () => {
    const q = d.query.trim();
    const seq = ++d.seq;
    try {
      const res = await app.call("GET", `/transactions?mode=${d.mode}&q=${encodeURIComponent(q)}`);
      if (seq !== d.seq || !d.el) return;
      d.items = res.items;
      d.index = 0;
      d.searched = q ? `${d.mode}:${q}` : null;
      if (!app.isTop(d)) return;  // closed or covered meanwhile: drawn when it shows again
      if (d.searchFailed) {  // only a search's own refusal is cleared by the next search
        d.searchFailed = false;
        const box = d.el.querySelector(".dialog-msg");
        box.textContent = "";
        box.classList.remove("msg-error");
      }
      draw();
      // A receipt asked for by its number or its QR opens at once.
      if (q && d.mode === "number" && d.items.length === 1) open(d.items[0].number);
    } catch (err) {
      if (!app.isTop(d)) return;
      d.searchFailed = true;
      showError(d.el, err);
    }
  };
  const open = (number) => app.run(async () => {
    try {
      app.openDialog(receipt(app, await app.call("GET", `/transactions/${encodeURIComponent(number)}`)));
    } catch (err) { showError(d.el, err); }
  });
  d.mount = (el) => {
    d.el = el;
    const input = el.querySelector("#tx-q");
    input.focus();
    input.addEventListener("input", () => { d.query = input.value; });
    el.querySelector("#tx-list").addEventListener("click", (e) => {
      const li = e.target.closest("li[data-i]");
      if (li) { d.index = Number(li.dataset.i); open(d.items[d.index].number); }
    });
    draw();
    if (d.items === null) {
      // A scanned receipt QR (on the sale screen or here) is a number search whatever the mode.
      if (RECEIPT_LINK.test(d.query.trim())) d.mode = "number";
      search();
    }
  };
  d.key = (e) => {
    if (e.key === "Tab") {
      e.preventDefault();
      d.mode = MODES[(MODES.indexOf(d.mode) + (e.shiftKey ? MODES.length - 1 : 1)) % MODES.length];
      d.query = "";
      app.refreshDialog();
      return true;
    }
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && d.items && d.items.length) {
      e.preventDefault();
      d.index = Math.max(0, Math.min(d.items.length - 1, d.index + (e.key === "ArrowDown" ? 1 : -1)));
      draw();
      return true;
    }
    if (e.key === "F9") { e.preventDefault(); voidSale(app, d); return true; }
    if (e.key !== "Enter") return false;
    e.preventDefault();
    const q = d.query.trim();
    const asked = q ? `${d.mode}:${q}` : null;
    if (RECEIPT_LINK.test(q)) d.mode = "number";
    if (asked !== d.searched || d.items === null) { search(); return true; }
    if (d.items.length) open(d.items[d.index].number);
    return true;
  };
  return d;
}

// ---- F9 in the list: void the sale under way -----------------------------------------------
function voidSale(app, d) {
  const sale = app.S.sale;
  if (!sale || sale.state !== "open" || !sale.lines.length) { showError(d.el, t("tx.void_none")); return; }
  const amount = money(sale.due);
  app.openDialog(approval(app, (a) => app.run(async () => {
    await app.call("POST", `/sales/${sale.id}/void`, { approval: a, reason: null });
    app.closeAll();
    app.S.sale = null;  // the next scan starts a new sale
    app.render();
    app.message([["tx.voided", { amount }]], "ok");
  }), t("tx.q.void", { amount })));
}

// ---- one receipt: refund lines (digits per line, A = all), reprint (P) ----------------------
export function receipt(app, view) {
  const d = { name: "tx-receipt", view, index: 0, want: {} };
  const lines = () => d.view.lines;
  // Digits on a weighed line are grams (as the server takes them), said in the hint while that line is chosen.
  const weighed = () => (lines()[d.index] || {}).measure === "weight";
  const chosen = () => lines().filter((l) => d.want[l.id] > 0).map((l) => ({ line_id: l.id, qty: d.want[l.id] }));
  d.html = () => {
    const v = d.view;
    const rows = lines().map((l, i) => `<tr class="${i === d.index ? "selected" : ""}${l.refundable ? "" : " done"}" data-i="${i}">
      <td class="c-name">${escapeHtml(l.name)}<small>${escapeHtml(money(l.net))}</small></td>
      <td class="num">${escapeHtml(qtyOf(l, l.qty))}</td><td class="num">${l.refunded_qty ? escapeHtml(qtyOf(l, l.refunded_qty)) : ""}</td>
      <td class="num tx-want">${d.want[l.id] ? escapeHtml(qtyOf(l, d.want[l.id])) : ""}</td></tr>`).join("");
    const paid = v.tenders.map((x) => `${escapeHtml(tender(x.type))} ${escapeHtml(money(x.amount))}`).join(" · ");
    const before = v.refunds.map((r) => `${escapeHtml(r.number)} ${escapeHtml(money(r.amount))}${
      r.reason ? ` (${escapeHtml(r.reason)})` : ""}`).join(" · ");
    return `<h2>${T("rc.title", { number: v.number })}</h2>
      <div class="muted">${escapeHtml(t("rc.meta", { at: v.at, till: v.till_id, cashier: v.cashier }))}${
        v.member ? ` · ${escapeHtml(t("rc.member", { name: v.member }))}` : ""}</div>
      <table class="lines tx-lines"><thead><tr><th class="c-name">${T("rc.col.item")}</th>
        <th class="num">${T("rc.col.sold")}</th><th class="num">${T("rc.col.refunded")}</th>
        <th class="num">${T("rc.col.refund")}</th></tr></thead><tbody>${rows}</tbody></table>
      <dl class="totals tx-facts">
        <div><dt>${T("sale.total")}</dt><dd>${escapeHtml(money(v.total))}</dd></div>
        <div><dt>${T("rc.paid")}</dt><dd>${paid}</dd></div>
        ${before ? `<div><dt>${T("rc.refunds")}</dt><dd id="rc-refunds">${before}</dd></div>` : ""}
        <div><dt>${T("rc.back_to_label")}</dt><dd>${escapeHtml(tender(v.refund_tender))}</dd></div>
      </dl>
      <div class="dialog-msg" role="alert"></div>
      <div class="dialog-hint" id="rc-hint">${T(weighed() ? "rc.hint_weight" : "rc.hint")}</div>`;
  };
  const reload = async () => {
    d.view = await app.call("GET", `/transactions/${encodeURIComponent(d.view.number)}`);
    d.want = {};
  };
  const refund = () => app.run(async () => {
    const asked = chosen();
    if (!asked.length) { showError(d.el, t(d.view.refundable ? "rc.nothing" : "rc.all_refunded")); return; }
    let quote;
    try {
      quote = await app.call("POST", "/refunds/quote", { sale_number: d.view.number, lines: asked });
    } catch (err) { showError(d.el, err); return; }
    const words = { amount: money(quote.amount), number: d.view.number, tender: tender(quote.tender_type) };
    const question = t("tx.q.refund", words) + (quote.points_back ? ` ${t("tx.q.points", { n: quote.points_back.points })}` : "");
    // Why it comes back (the refunds report's reason), then the manager approves the act, amount and reason.
    app.openDialog(refundReason(app, (reason) => app.openDialog(approval(app, (a) => app.run(async () => {
      const done = await app.call("POST", "/refunds", {
        sale_number: d.view.number, lines: asked, approval: a, tender_type: quote.tender_type, reason,
      });
      await reload().catch(() => {});
      app.closeDialog();  // the approval
      app.closeDialog();  // the reason: back on the receipt, refreshed
      const back = { number: done.number, amount: money(done.amount), tender: { key: `tender.${done.tender_type}` } };
      app.message([["tx.refund_done", back]], "ok");
    }), `${question} ${t("tx.q.reason", { reason })}`))));
  });
  const reprint = () => {
    const words = { number: d.view.number, amount: money(d.view.total) };
    app.openDialog(approval(app, (a) => app.run(async () => {
      await app.call("POST", `/receipts/${encodeURIComponent(d.view.number)}/reprint`, { approval: a, reason: null });
      app.closeDialog();
      app.message([["tx.reprinted", words]], "ok");
    }), t("tx.q.reprint", words)));
  };
  const setWant = (line, n) => { d.want[line.id] = Math.max(0, Math.min(line.refundable, n)); };
  d.mount = (el) => {
    d.el = el;
    el.tabIndex = -1;
    el.focus();
    el.addEventListener("click", (e) => {
      const tr = e.target.closest("tr[data-i]");
      if (tr) { d.index = Number(tr.dataset.i); app.refreshDialog(); }
    });
  };
  d.key = (e) => {
    const line = lines()[d.index];
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      d.index = Math.max(0, Math.min(lines().length - 1, d.index + (e.key === "ArrowDown" ? 1 : -1)));
      app.refreshDialog();
      return true;
    }
    if (/^\d$/.test(e.key) && line) {
      e.preventDefault();
      // Typed as is (4 digits at most; a weighed line's grams, 6): more than is left is the server's to refuse.
      d.want[line.id] = Number(`${d.want[line.id] || ""}${e.key}`.slice(line.measure === "weight" ? -6 : -4));
      app.refreshDialog();
      return true;
    }
    if (e.key === "Backspace" && line) { e.preventDefault(); d.want[line.id] = 0; app.refreshDialog(); return true; }
    const k = letter(e);
    if (k === "a") { e.preventDefault(); for (const l of lines()) setWant(l, l.refundable); app.refreshDialog(); return true; }
    if (k === "p") { e.preventDefault(); reprint(); return true; }
    if (e.key === "Enter") { e.preventDefault(); refund(); return true; }
    return false;
  };
  return d;
}

// ---- why a refund comes back: one key (1-5), kept as the refund's reason in the till's language ------------
const REASONS = ["damaged", "wrong_item", "changed_mind", "expired", "price"];

function refundReason(app, onPick) {
  const d = { name: "reason", index: -1 };
  d.html = () => `<h2>${T("refund.reason_title")}</h2>
    <ul class="pick-list" id="reasons">${REASONS.map((r, i) => `<li class="${i === d.index ? "selected" : ""}" data-i="${i}">
      <span class="pick-name"><kbd>${i + 1}</kbd> ${T(`refund.reason.${r}`)}</span></li>`).join("")}</ul>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("refund.reason_hint")}</div>`;
  const pick = (i) => { d.index = i; onPick(t(`refund.reason.${REASONS[i]}`)); };
  d.mount = (el) => {
    d.el = el;
    el.tabIndex = -1;
    el.focus();
    el.addEventListener("click", (e) => { const li = e.target.closest("li[data-i]"); if (li) pick(Number(li.dataset.i)); });
  };
  d.key = reasonKeys(app, d, REASONS.length, pick, () => t("refund.reason_needed"));
  return d;
}

// ---- at sign-in: a manager unlocks a locked cashier (F7) ------------------------------------
export function unlock(app, staffCode, done) {
  return approval(app, (a) => app.run(async () => {
    await app.call("POST", "/locks/unlock", { staff_code: staffCode, approval: a, till_id: app.S.tillId });
    app.closeAll();
    done(t("unlock.done", { code: staffCode }));
  }), t("unlock.q", { code: staffCode }));
}
