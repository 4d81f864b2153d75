// Dialogs of the till, each {name, html(), mount(el), key(e) -> handled}; Esc (unhandled) goes back one step.
// They all work from the keyboard; buttons are there for touch screens and use the same code paths.
import { T, errorText, escapeHtml, money, parseAmount, qtyOf, t } from "./common.js";

export const letter = (e) => (e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey ? e.key.toLowerCase() : "");

export function showError(el, err) {
  const box = el.querySelector(".dialog-msg");
  if (box) {
    box.textContent = typeof err === "string" ? err : errorText(err);
    box.classList.add("msg-error");
  }
}

// A dialog's list of reasons chosen by one key: its number, or the arrows then Enter (`needed`: the text when Enter
// is pressed with none chosen, asked then so it is in the till's language of the moment). The dialog's `key` handler.
export function reasonKeys(app, d, count, pick, needed) {
  return (e) => {
    const n = Number(e.key);
    if (Number.isInteger(n) && n >= 1 && n <= count) { e.preventDefault(); pick(n - 1); return true; }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      d.index = Math.max(0, Math.min(count - 1, d.index + (e.key === "ArrowDown" ? 1 : -1)));
      app.refreshDialog();
      return true;
    }
    if (e.key === "Enter") {
      e.preventDefault();
      if (d.index >= 0) pick(d.index); else showError(d.el, needed());
      return true;
    }
    return false;
  };
}

// ---- F2: search by name --------------------------------------------------------------------
export function search(app, { query, qty }) {
  const d = { name: "search", items: [], index: 0, query, timer: null, seq: 0 };
  d.html = () => `<h2>${T("search.title")}</h2>
    <input class="dialog-input" id="search-q" autocomplete="off" spellcheck="false"
      placeholder="${escapeHtml(t("search.placeholder"))}" value="${escapeHtml(d.query)}">
    <ul class="pick-list" id="search-results"></ul>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("search.hint")}</div>`;
  const draw = (el) => {
    const ul = el.querySelector("#search-results");
    if (!d.items.length) {
      ul.innerHTML = d.query.trim() && d.done ? `<li class="empty">${T("search.none")}</li>` : "";
      return;
    }
    ul.innerHTML = d.items.map((p, i) => `<li class="${i === d.index ? "selected" : ""}" data-i="${i}">
      <span class="pick-name">${escapeHtml(p.name)}<small>${escapeHtml(p.barcode || "")} · ${escapeHtml(p.sku)}</small></span>
      <span class="pick-stock">${escapeHtml(t("search.stock", { n: qtyOf(p, p.on_hand) }))}</span>
      <span class="pick-price num">${escapeHtml(money(p.price))}${p.measure === "weight" ? escapeHtml(t("sale.per_kg")) : ""}</span></li>`).join("");
    const sel = ul.querySelector("li.selected");
    if (sel) sel.scrollIntoView({ block: "nearest" });
  };
  const lookup = async (el) => {
    const q = d.query.trim();
    const seq = ++d.seq;
    if (!q) { d.items = []; d.done = false; draw(el); return; }
    try {
      const res = await app.call("GET", `/products?q=${encodeURIComponent(q)}&limit=30`);
      if (seq !== d.seq) return; // a newer query is on its way
      d.items = res.items;
      d.index = 0;
      d.done = true;
      if (app.isTop(d)) draw(el);
    } catch (err) { if (app.isTop(d)) showError(el, err); }
  };
  const choose = () => {
    const p = d.items[d.index];
    if (!p) return;
    app.closeAll();
    app.addItem({ sku: p.sku }, qty);
  };
  d.mount = (el) => {
    const input = el.querySelector("#search-q");
    input.focus();
    input.addEventListener("input", () => {
      d.query = input.value;
      clearTimeout(d.timer);
      d.timer = setTimeout(() => lookup(el), 120);
    });
    el.querySelector("#search-results").addEventListener("click", (e) => {
      const li = e.target.closest("li[data-i]");
      if (li) { d.index = Number(li.dataset.i); choose(); }
    });
    d.el = el;
    draw(el);
    if (d.query.trim()) lookup(el);
  };
  d.key = (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      d.index = Math.max(0, Math.min(d.items.length - 1, d.index + (e.key === "ArrowDown" ? 1 : -1)));
      draw(d.el);
      return true;
    }
    if (e.key === "Enter") { e.preventDefault(); choose(); return true; }
    return false;
  };
  return d;
}

// ---- F4: quantity of the selected line -----------------------------------------------------
export function setQty(app, line, qty) {
  return app.run(async () => {
    try {
      const view = await app.call("PATCH", `/sales/${app.S.sale.id}/lines/${line.id}`, { qty });
      app.closeAll();
      app.setSale(view, { select: line.id });
      app.message([["ok.qty", { name: line.name, n: qty }]], "ok");
    } catch (err) {
      if (app.S.stack.length) showError(document.getElementById("dialog"), err); else app.fail(err);
    }
  });
}

export function qty(app, line) {
  const d = { name: "qty" };
  d.html = () => `<h2>${T("qty.title")}</h2>
    <label class="field"><span>${T("qty.label", { name: line.name })}</span>
    <input class="dialog-input big-input" id="qty-value" inputmode="numeric" maxlength="32" autocomplete="off" value="${line.qty}"></label>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("qty.hint")}</div>`;
  d.mount = (el) => { const i = el.querySelector("#qty-value"); i.focus(); i.select(); d.el = el; };
  d.key = (e) => {
    if (e.key !== "Enter") return false;
    e.preventDefault();
    const v = d.el.querySelector("#qty-value").value.trim();
    if (!/^\d{1,4}$/.test(v) || Number(v) < 1) { showError(d.el, t("err.bad_quantity")); return true; }
    setQty(app, line, Number(v));
    return true;
  };
  return d;
}

// ---- F9: remove the selected line ----------------------------------------------------------
export function removeLine(app, line) {
  return app.run(async () => {
    try {
      const view = await app.call("DELETE", `/sales/${app.S.sale.id}/lines/${line.id}`);
      app.setSale(view, { select: "last" });
      app.message([["ok.removed", { name: line.name }]], "ok");
    } catch (err) { app.fail(err); }
  });
}

// ---- manager approval, in place; returns to the step that asked for it ---------------------
export function approval(app, onApprove, question = "") {
  const d = { name: "approval" };
  // The question names the act and the amount ("Retur Rp 45.000 pada struk ...?"), so the manager knows what
  // their PIN approves.
  d.html = () => `<h2>${T("approve.title")}</h2>
    ${question ? `<p class="approve-q" id="approve-q">${escapeHtml(question)}</p>` : `<p>${T("approve.why")}</p>`}
    <label class="field"><span>${T("approve.code")}</span>
      <input class="dialog-input" id="appr-code" inputmode="numeric" maxlength="16" autocomplete="off"></label>
    <label class="field"><span>${T("approve.pin")}</span>
      <input class="dialog-input" id="appr-pin" type="password" inputmode="numeric" maxlength="16" autocomplete="off"></label>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("approve.hint")}</div>`;
  d.mount = (el) => { d.el = el; el.querySelector("#appr-code").focus(); };
  d.key = (e) => {
    if (e.key !== "Enter") return false;
    e.preventDefault();
    const code = d.el.querySelector("#appr-code");
    const pin = d.el.querySelector("#appr-pin");
    if (document.activeElement === code || !code.value.trim()) { (code.value.trim() ? pin : code).focus(); return true; }
    if (!pin.value) return true;
    d.busy = true;
    onApprove({ staff_code: code.value.trim(), pin: pin.value }).catch((err) => {
      pin.value = "";
      pin.focus();
      showError(d.el, err);
    }).finally(() => { d.busy = false; });
    return true;
  };
  return d;
}

// ---- F6: discount on the selected line or the whole sale -----------------------------------
export function discount(app, line) {
  const d = { name: "discount", target: line ? "line" : "sale", kind: "percent", value: "" };
  const opt = (on, key) => `<span class="opt ${on ? "on" : ""}">${T(key)}</span>`;
  d.html = () => `<h2>${T("disc.title")}</h2>
    <div class="opts">${line ? opt(d.target === "line", "disc.target_line") : ""}${opt(d.target === "sale", "disc.target_sale")}</div>
    ${d.target === "line" ? `<div class="muted">${escapeHtml(line.name)}</div>` : ""}
    <div class="opts">${opt(d.kind === "percent", "disc.percent")}${opt(d.kind === "amount", "disc.amount")}</div>
    <label class="field"><span>${T("disc.value")}</span>
      <input class="dialog-input big-input" id="disc-value" inputmode="decimal" maxlength="16" autocomplete="off"
        value="${escapeHtml(d.value)}"></label>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("disc.hint")}</div>`;
  d.mount = (el) => {
    d.el = el;
    const i = el.querySelector("#disc-value");
    i.focus();
    i.addEventListener("input", () => { d.value = i.value; });
  };
  const apply = async (approvalBody) => {
    const raw = d.value.trim().replace(",", ".");
    let value;
    if (d.kind === "percent") {
      if (!/^\d{1,3}(\.\d{1,2})?$/.test(raw)) throw new Error(t("err.bad_discount"));
      const [whole, cents = ""] = raw.split(".");
      if (Number(whole) * 100 + Number(`${cents}00`.slice(0, 2)) > 10000) throw new Error(t("err.discount_over_100"));
      value = raw; // sent as a decimal string, never through a float
    } else {
      value = parseAmount(d.value);
      if (value === null) throw new Error(t("err.bad_discount"));
    }
    const body = { kind: d.kind, value };
    if (d.target === "line") body.line_id = line.id;
    if (approvalBody) body.approval = approvalBody;
    const view = await app.call("POST", `/sales/${app.S.sale.id}/discounts`, body);
    app.closeAll();
    app.setSale(view);
    app.message([["ok.discount"]], "ok");
  };
  d.key = (e) => {
    const k = letter(e);
    const set = (field, v) => { e.preventDefault(); d[field] = v; app.refreshDialog(); return true; };
    if (k === "l" && line) return set("target", "line");
    if (k === "t") return set("target", "sale");
    if (k === "%" || k === "p") return set("kind", "percent");
    if (k === "r" || k === "a") return set("kind", "amount");
    if (k && !/[\d.,]/.test(k)) { e.preventDefault(); return true; }
    if (e.key !== "Enter") return false;
    e.preventDefault();
    app.run(async () => {
      try {
        await apply(null);
      } catch (err) {
        if (err.code === "approval_required") {
          const what = d.kind === "percent" ? `${d.value.trim()}%` : money(parseAmount(d.value) || 0);
          const on = d.target === "line" ? line.name : t("disc.whole");
          app.openDialog(approval(app, (a) => app.run(() => apply(a)), t("disc.q", { what, on })));
        }
        else showError(d.el, err.code ? err : err.message);
      }
    });
    return true;
  };
  return d;
}
