// F8 park / resume and F7 shift menu: X report, cash in and out of the drawer, closing the shift with counted cash
// (Z report), sign out.
import { T, dateTime, escapeHtml, money, parseAmount, t, timeOnly } from "./common.js";
import { cash, saleUnderWay } from "./till_cash.js";
import { letter, showError } from "./till_dialogs.js";

// ---- F8: park this sale, or resume a parked one --------------------------------------------
export function park(app) {
  const d = { name: "park", items: null, index: 0 };
  const canPark = () => app.S.sale && app.S.sale.state === "open" && app.S.sale.lines.length > 0;
  d.html = () => `<h2>${T("park.title")}</h2>
    ${canPark() ? `<button type="button" class="btn btn-block" data-park>${T("park.this")}</button>` : ""}
    <ul class="pick-list" id="parked"></ul>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("park.hint")}</div>`;
  const draw = () => {
    const ul = d.el.querySelector("#parked");
    if (d.items === null) { ul.innerHTML = ""; return; }
    ul.innerHTML = d.items.length ? d.items.map((s, i) => `<li class="${i === d.index ? "selected" : ""}" data-i="${i}">
      <span class="pick-name">${escapeHtml(t("park.row", { time: timeOnly(s.created_at), n: s.items, till: s.till_id }))}</span>
      <span class="pick-price num">${escapeHtml(money(s.total))}</span></li>`).join("")
      : `<li class="empty">${T("park.none")}</li>`;
  };
  const doPark = () => app.run(async () => {
    try {
      await app.call("POST", `/sales/${app.S.sale.id}/park`);
      app.closeAll();
      // No new sale yet: the next scan starts one, so resuming later has no empty sale to void.
      app.S.sale = null;
      app.render();
      app.message([["park.done"]], "ok");
    } catch (err) { showError(d.el, err); }
  });
  const doResume = () => app.run(async () => {
    const s = d.items && d.items[d.index];
    if (!s) return;
    try {
      const view = await app.call("POST", `/sales/${s.id}/resume`);
      app.closeAll();
      document.getElementById("paid-panel").hidden = true;
      app.setSale(view, { select: "last" });
      app.message([["park.resumed"]], "ok");
    } catch (err) { showError(d.el, err); }
  });
  d.mount = (el) => {
    d.el = el;
    el.tabIndex = -1;
    el.focus();
    draw();
    el.addEventListener("click", (e) => {
      if (e.target.closest("[data-park]")) doPark();
      const li = e.target.closest("li[data-i]");
      if (li) { d.index = Number(li.dataset.i); doResume(); }
    });
    if (d.items === null) {
      app.call("GET", "/sales/parked").then(
        (res) => { d.items = res.items; if (app.isTop(d)) draw(); },
        (err) => { if (app.isTop(d)) showError(el, err); },
      );
    }
  };
  d.key = (e) => {
    const k = letter(e);
    if (k === "p" && canPark()) { e.preventDefault(); doPark(); return true; }
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && d.items && d.items.length) {
      e.preventDefault();
      d.index = Math.max(0, Math.min(d.items.length - 1, d.index + (e.key === "ArrowDown" ? 1 : -1)));
      draw();
      return true;
    }
    if (e.key === "Enter") { e.preventDefault(); doResume(); return true; }
    return false;
  };
  return d;
}

// ---- F7: shift menu: X report, close shift (Z), sign out -----------------------------------
function reportRows(r) {
  const row = (key, value, vars) => `<tr><th>${T(key, vars)}</th><td class="num">${escapeHtml(value)}</td></tr>`;
  const tenders = Object.entries(r.tenders || {}).map(([k, v]) => `<tr class="sub"><th>${T(`tender.${k}`)}</th>
    <td class="num">${escapeHtml(money(v))}</td></tr>`).join("");
  // Refunds per payment type, as the card machine's batch and the drawer see them (cash is in the expected cash).
  const refundTenders = Object.entries((r.refunds && r.refunds.by_tender) || {}).filter(([, v]) => v)
    .map(([k, v]) => `<tr class="sub refund-tender" data-tender="${escapeHtml(k)}"><th>${T(`tender.${k}`)}</th>
    <td class="num">${escapeHtml(money(-v))}</td></tr>`).join("");
  // Cash taken out (drops to the safe, store expenses) and put in during the shift, by reason: in the expected cash.
  const moved = (way, sign) => Object.entries((r.cash_moved && r.cash_moved[way]) || {}).filter(([, v]) => v)
    .map(([k, v]) => `<tr class="sub cash-reason" data-cash-reason="${escapeHtml(k)}"><th>${T(`cash.reason.${k}`)}</th>
    <td class="num">${escapeHtml(money(sign * v))}</td></tr>`).join("");
  const cashRow = (way, sign) => `<tr class="cash-${way}" id="report-cash-${way}"><th>${T(`report.cash_${way}`)}</th>
    <td class="num">${escapeHtml(money(sign * (r[`cash_${way}`] || 0)))}</td></tr>${moved(way, sign)}`;
  return [
    row("report.opened_at", dateTime(r.opened_at)),
    row("report.sales_count", String(r.sales_count)),
    row("report.sales_total", money(r.sales_total)),
    row("report.discounts", money(r.discounts)),
    row("report.tax", money(r.tax)),
    r.rounding ? row("report.rounding", money(r.rounding)) : "",
    `<tr><th colspan="2" class="group">${T("report.tenders")}</th></tr>${tenders}`,
    row("report.refunds", money(r.refunds.total), { count: r.refunds.count }),
    refundTenders,
    row("report.voided", String(r.voided_sales)),
    row("report.opening_float", money(r.opening_float)),
    cashRow("out", -1),
    cashRow("in", 1),
    `<tr class="expected-cash" id="report-expected-cash"><th>${T("report.expected_cash")}</th>
      <td class="num">${escapeHtml(money(r.expected_cash))}</td></tr>`,
    r.kind === "Z" ? row("report.counted_cash", money(r.counted_cash)) : "",
    r.kind === "Z" ? `<tr class="variance ${r.variance < 0 ? "neg" : ""}"><th>${T("report.variance")}</th>
      <td class="num">${escapeHtml(money(r.variance))}</td></tr>` : "",
  ].join("");
}

export function report(app, r) {
  const d = { name: "report" };
  const z = r.kind === "Z";
  d.html = () => `<h2>${T(z ? "report.z" : "report.x")}</h2>
    <div class="muted">${escapeHtml(r.till_id)} · ${escapeHtml(dateTime(r.closed_at || new Date()))}</div>
    <table class="report">${reportRows(r)}</table>
    <div class="dialog-hint">${T(z ? "shift.closed" : "report.close_hint")}</div>`;
  d.mount = (el) => { el.tabIndex = -1; el.focus(); };
  d.key = (e) => {
    if (e.key !== "Enter" && e.key !== "Escape") return false;
    e.preventDefault();
    if (z) app.signOut(); else app.closeAll();
    return true;
  };
  return d;
}

export function closeShift(app) {
  const d = { name: "close-shift" };
  d.html = () => `<h2>${T("shift.close_title")}</h2><p class="muted">${T("shift.close_hint")}</p>
    <label class="field"><span>${T("shift.counted")}</span>
      <input class="dialog-input big-input" id="counted" inputmode="numeric" maxlength="16" autocomplete="off"></label>
    <div class="amount-preview" id="counted-preview"></div>
    <div class="dialog-msg" role="alert"></div>`;
  d.mount = (el) => {
    d.el = el;
    const i = el.querySelector("#counted");
    i.focus();
    i.addEventListener("input", () => {
      const v = parseAmount(i.value);
      el.querySelector("#counted-preview").textContent = v === null ? "" : money(v);
    });
  };
  d.key = (e) => {
    if (e.key !== "Enter") return false;
    e.preventDefault();
    const counted = parseAmount(d.el.querySelector("#counted").value);
    if (counted === null) { showError(d.el, t("err.bad_amount")); return true; }
    app.run(async () => {
      try {
        const z = await app.call("POST", "/shifts/current/close", { counted_cash: counted });
        app.closeAll();
        app.openDialog(report(app, z));
      } catch (err) { showError(d.el, err); }
    });
    return true;
  };
  return d;
}

/** One sale that blocks the Z, as the cashier finds it: "ditunda 14:05 (3 barang)", "yang sedang berjalan (2 barang)". */
function unfinishedSale(sale) {
  const n = sale.items;
  return sale.state === "parked" ? t("z.unfinished_parked", { time: timeOnly(sale.created_at), n }) : t("z.unfinished_open", { n });
}

export function menu(app) {
  const d = { name: "menu" };
  d.html = () => `<h2>${T("menu.title")}</h2>
    <button type="button" class="btn btn-block" data-k="x">${T("menu.x")}</button>
    <button type="button" class="btn btn-block" data-k="c">${T("menu.cash")}</button>
    <button type="button" class="btn btn-block" data-k="z">${T("menu.close")}</button>
    <button type="button" class="btn btn-block" data-k="k">${T("menu.signout")}</button>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("menu.hint")}</div>`;
  const pick = (k) => {
    if (k === "x") {
      app.run(async () => {
        try { app.openDialog(report(app, await app.call("GET", "/reports/x"))); } catch (err) { showError(d.el, err); }
      });
    } else if (k === "z") {
      // A sale under way or parked on this shift blocks the Z (the server says so too): named before the drawer is
      // counted, so the cashier knows which to finish or void.
      app.run(async () => {
        try {
          const open = (await app.call("GET", "/reports/x")).unfinished || [];
          if (open.length) showError(d.el, t("err.sales_open_named", { sales: open.map(unfinishedSale).join("; ") }));
          else app.openDialog(closeShift(app));
        } catch (err) { showError(d.el, err); }
      });
    }
    else if (k === "c") {
      // Between sales only: the sale under way is finished or parked first, before anyone counts or types a PIN.
      if (saleUnderWay(app)) showError(d.el, t("err.sale_under_way"));
      else app.openDialog(cash(app));
    }
    else if (k === "k") app.signOut();
    return true;
  };
  d.mount = (el) => {
    d.el = el;
    el.tabIndex = -1;
    el.focus();
    el.addEventListener("click", (e) => { const b = e.target.closest("[data-k]"); if (b) pick(b.dataset.k); });
  };
  d.key = (e) => {
    const k = letter(e);
    if (["x", "c", "z", "k"].includes(k)) { e.preventDefault(); return pick(k); }
    return false;
  };
  return d;
}
