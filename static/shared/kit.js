// The helpers every screen shares (till, display, kiosk, manager, shop): texts from the catalogs in
// static/i18n/, Rupiah from integer minor units, JSON calls with CSRF and Idempotency-Key, toasts and DOM helpers.
// An ES module: `import { t, money, request } from "/static/shared/kit.js"`. Nothing here uses floats for money.

// ---- texts: one catalog per app with both languages in it (see common/i18n.py) -------------------------
const CATALOG_URL = (app) => `/static/i18n/${app}.json`;
let catalogs = {};
let texts = {};
/** The language on screen ("id" by default, "en"). A live binding: importers always read the current one. */
export let lang = "id";

/** Use an app's catalogs (both languages, or only the one on screen) and show `code`. */
export function useTexts(all, code) {
  catalogs = { ...catalogs, ...all };
  lang = code in catalogs ? code : "id";
  texts = catalogs[lang] || {};
  document.documentElement.lang = lang;
}

/** Fetch an app's catalog (both languages) from static/i18n/ unless it is here already. */
export async function loadCatalogs(app) {
  if (catalogs.id && catalogs.en) return catalogs;
  const res = await fetch(CATALOG_URL(app), { cache: "no-cache" });
  catalogs = await res.json();
  return catalogs;
}

export function fill(template, vars = {}) {
  return String(template).replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** The text for `key` in the current language (Indonesian, then the key, when missing), {placeholders} filled; a
 *  value given as {key: "tender.cash"} is itself a text of the catalog (worded in the same language). */
export function t(key, vars) {
  const one = vars && (vars.n === 1 || vars.n === "1") && `${key}_one` in texts; // "1 item", not "1 items" (1 grouped is "1")
  const fallback = (catalogs.id || {})[key];
  const text = one ? texts[`${key}_one`] : key in texts ? texts[key] : fallback !== undefined ? fallback : key;
  if (!vars) return text;
  const words = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v && v.key ? t(v.key) : v]));
  return fill(text, words);
}

/** The text for `key` in the other language (the kiosk's big choices say themselves in both). */
export function tOther(key) {
  return (catalogs[otherLang()] || {})[key] || "";
}

export function has(key) {
  return key in texts;
}

export function otherLang() {
  return lang === "id" ? "en" : "id";
}

/** Re-word every element marked data-i18n (+ data-i18n-vars), data-i18n-placeholder, data-i18n-title,
 *  data-i18n-alt (the other language) and data-i18n-texts (a text the server made in both languages). */
export function applyTexts(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n, el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : undefined);
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-alt]")) el.textContent = tOther(el.dataset.i18nAlt);
  for (const el of root.querySelectorAll("[data-i18n-texts]")) {
    el.textContent = JSON.parse(el.dataset.i18nTexts)[lang] || el.textContent;
  }
  document.documentElement.lang = lang;
}

/** Switch to `code` in place (no page load), re-wording the page. */
export function switchLang(code) {
  if (!catalogs[code]) return false;
  lang = code;
  texts = catalogs[code];
  applyTexts();
  return true;
}

/** A text as HTML that re-words itself on a language switch; `vars` fill its {placeholders}. */
export function T(key, vars) {
  const v = vars ? ` data-i18n-vars="${escapeHtml(JSON.stringify(vars))}"` : "";
  return `<span data-i18n="${escapeHtml(key)}"${v}>${escapeHtml(t(key, vars))}</span>`;
}

/** A text the server made in every language ({id, en}) as HTML that re-words itself on a switch. */
export function serverText(both, fallback = "") {
  const safe = both && typeof both === "object" ? both : {};
  const attr = escapeHtml(JSON.stringify(safe));
  return `<span data-i18n-texts="${attr}">${escapeHtml(safe[lang] || safe.id || fallback)}</span>`;
}

// ---- money: `Rp 12.500` from an integer count of minor units ----------------------------------------
let currency = { symbol: "Rp", thousands: ".", decimal: ",", minor_units: 0, cash_rounding: 0 };

/** The store's currency display (from the page's boot data; camelCase minorUnits accepted). */
export function useCurrency(cur) {
  if (!cur) return;
  currency = { ...currency, ...cur };
  if (cur.minorUnits !== undefined) currency.minor_units = cur.minorUnits;
}

export function groupThousands(digits) {
  return String(digits).replace(/\B(?=(\d{3})+(?!\d))/g, currency.thousands);
}

/** Grams as kg with 3 decimals in the store's number format ("24,975 kg"), in every language: the switch changes
 * words, not digits (common.measure.format_qty on the server). */
export function kgText(grams) {
  const n = Number(grams);
  const abs = Math.abs(n);
  return `${n < 0 ? "-" : ""}${Math.floor(abs / 1000)}${currency.decimal}${String(abs % 1000).padStart(3, "0")} kg`;
}

/** A stock figure as typed on a manager's form, read by the server's rules (common.measure, counted=True), or
 * null: a weighed product's kg ("1,5" or "1.5"; a bare number is kg; grams only with "g"), else whole items
 * ("1.500" with thousands in groups of three; "1.5" is no number of items). */
export function parseStockQty(text, weighed) {
  const typed = String(text || "").trim().toLowerCase().replace(/\s/g, "");
  if (!weighed) return /^(\d+|\d{1,3}(\.\d{3})+)$/.test(typed) ? Number(typed.replace(/\./g, "")) : null;
  const m = /^(\d{1,6})(?:[.,](\d{1,3}))?(kg|g)?$/.exec(typed);
  if (!m || (m[3] === "g" && m[2] !== undefined)) return null;
  if (m[3] === "g") return Number(m[1]);
  return Number(m[1]) * 1000 + Number((m[2] || "").padEnd(3, "0"));
}

export function money(amount) {
  const n = Number(amount);
  if (!Number.isSafeInteger(n)) return "–";
  const abs = Math.abs(n);
  let text;
  if (currency.minor_units > 0) {
    const unit = 10 ** currency.minor_units;
    const minor = String(abs % unit).padStart(currency.minor_units, "0");
    text = groupThousands(String((abs - (abs % unit)) / unit)) + currency.decimal + minor;
  } else {
    text = groupThousands(String(abs));
  }
  return `${n < 0 ? "-" : ""}${currency.symbol} ${text}`;
}

/** A typed amount ("50000", "50.000", "Rp 50.000") as integer minor units, or null. */
export function parseAmount(text) {
  const cleaned = String(text).replace(/^\s*Rp\s*/i, "").replace(/[\s.]/g, "");
  if (!/^\d{1,13}$/.test(cleaned)) return null;
  return Number(cleaned) * 10 ** currency.minor_units;
}

/** Cash rounding as the server does it (nearest unit, halves up), on integers only. */
export function roundCash(amount) {
  const unit = currency.cash_rounding;
  if (!unit || unit <= 1) return amount;
  return Math.floor((2 * amount + unit) / (2 * unit)) * unit;
}

// ---- dates: 23/11/2026 14:05 on the store's clock, whatever the PC's zone ------------------------------
/** Dates and times on the store's clock (an IANA zone; unknown or none: the PC's own). The server's times are UTC,
 * often without a zone ("2026-11-23T07:05:00"): read as UTC, not as the PC's local time. */
export function storeClock(timezone) {
  const options = { hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
  let format;
  try { format = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: timezone || undefined }); }
  catch (e) { format = new Intl.DateTimeFormat("en-GB", options); }
  const asDate = (d) => (d instanceof Date ? d : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(String(d)) ? d : `${d}Z`));
  const parts = (d) => {
    const out = {};
    for (const p of format.formatToParts(asDate(d))) out[p.type] = p.value;
    return out;
  };
  return {
    date: (d = new Date()) => { const p = parts(d); return `${p.day}/${p.month}/${p.year}`; },
    time: (d = new Date()) => { const p = parts(d); return `${p.hour}:${p.minute}`; },
    dateTime: (d = new Date()) => { const p = parts(d); return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`; },
  };
}

// ---- JSON calls -----------------------------------------------------------------------------------
const RETRY_MS = 700;

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; a store LAN is often plain http). */
export function idempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join("");
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : null;
}

/** fetch with the shared rules: JSON in and out, a bearer token, the page's CSRF token on writes, and for an
 *  `idempotent` write one Idempotency-Key kept across a single retry when the answer was lost. */
export function send(url, { method = "GET", body, token, idempotent = false, headers = {} } = {}) {
  const h = { Accept: "application/json", ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (token) h.Authorization = `Bearer ${token}`;
  const csrf = method !== "GET" && csrfToken();
  if (csrf) h["X-CSRFToken"] = csrf;
  if (idempotent) h["Idempotency-Key"] = idempotencyKey();
  const init = { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" };
  const once = () => fetch(url, init);
  if (!idempotent) return once();
  return once().catch(() => new Promise((done) => setTimeout(done, RETRY_MS)).then(once));
}

/** A JSON call that never throws: {ok, status, data}; status 0 when the server could not be reached. */
export async function request(url, options) {
  let res;
  try {
    res = await send(url, options);
  } catch (e) {
    return { ok: false, status: 0, data: { error: { code: "network", message: String(e) } } };
  }
  let data = {};
  try {
    data = (await res.json()) || {};
  } catch (e) {
    data = {};
  }
  return { ok: res.ok, status: res.status, data };
}

/** The error of a failed call: {code, message, ...detail}. */
export function errorOf(res) {
  return (res.data && res.data.error) || { code: res.status ? `http_${res.status}` : "network" };
}

// ---- the page -------------------------------------------------------------------------------------
export const $ = (id) => document.getElementById(id);

export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

export function button(cls, text, onClick) {
  const b = el("button", cls, text);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

export function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** Show `message` in `box` (class `toast toast-<kind>`) and hide it again after `ms`. */
export function toast(box, message, kind = "ok", ms = 4500) {
  box.textContent = message;
  box.className = `toast toast-${kind}`;
  box.hidden = false;
  clearTimeout(box._toastTimer);
  box._toastTimer = setTimeout(() => {
    box.hidden = true;
  }, ms);
}

/** Restart a CSS flash on the body (a failed scan), also on a second failure in a row. */
export function flash(cls = "flash-error") {
  document.body.classList.remove(cls);
  void document.body.offsetWidth;
  document.body.classList.add(cls);
}

/** The back offices' top bar More menu (templates/shared/top_bar.html) is a <details>: it opens by click, touch,
 *  Enter or Space with no script. This closes it as a menu closes: Esc (back to its button), a click or the focus
 *  going elsewhere. */
export function closeMoreMenus() {
  document.querySelectorAll("header.top details.more").forEach((more) => {
    const close = () => { more.open = false; };
    document.addEventListener("click", (ev) => { if (!more.contains(ev.target)) close(); });
    more.addEventListener("focusout", (ev) => { if (ev.relatedTarget && !more.contains(ev.relatedTarget)) close(); });
    more.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && more.open) { close(); more.querySelector("summary").focus(); }
    });
  });
}

/** The back offices ask before what cannot be taken back: a form or button with data-confirm="words" asks them
 *  (window.confirm) and goes ahead only on OK. The pages' policy runs no inline `onsubmit`, so this is the one way. */
export function askBeforeActing(root = document) {
  root.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
  });
  root.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (ev) {
      if (!window.confirm(button.dataset.confirm)) ev.preventDefault();
    });
  });
}

/** The back offices' day fields (templates/shared/day_field.html) are typed as 23/11/2026 whatever the browser's
 *  language; each gets a calendar button that opens the browser's own date picker and writes the day chosen back in
 *  that form. Without the script the field is typed. */
const CALENDAR_ICON = '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><rect x="1.5" y="3" width="13" height="11.5" rx="1.5" fill="none" stroke="currentColor"/><path d="M1.5 6.5h13M5 1.5v3M11 1.5v3" stroke="currentColor"/></svg>';

export function dayFields(root = document) {
  const two = (n) => String(n).padStart(2, "0");
  root.querySelectorAll("input[data-day]").forEach(function (field) {
    const picker = document.createElement("input");
    picker.type = "date";
    picker.tabIndex = -1;
    picker.className = "day-picker";
    picker.setAttribute("aria-hidden", "true");
    const open = document.createElement("button");
    open.type = "button";
    open.className = "day-open";
    open.innerHTML = CALENDAR_ICON;
    const named = field.closest("label");  // "Dari" / "From": the button says which day it picks
    open.title = `${named ? named.firstChild.textContent.trim() : ""} (${field.placeholder})`.trim();
    open.setAttribute("aria-label", open.title);
    const beside = document.createElement("span");  // the field and its button on one line, whatever the label's layout
    beside.className = "day-beside";
    field.replaceWith(beside);
    beside.append(field, open, picker);
    open.addEventListener("click", function () {
      const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(field.value.trim());
      picker.value = m ? `${m[3]}-${two(m[2])}-${two(m[1])}` : "";
      try { picker.showPicker(); } catch (e) { field.focus(); } // a browser without it: the field is typed
    });
    picker.addEventListener("change", function () {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(picker.value);
      if (m) field.value = `${m[3]}/${m[2]}/${m[1]}`;
      field.focus();
    });
  });
}

/** A member's QR as the till and the kiosk tell it from other scans: OTK1. and whatever follows (the store checks
 *  the rest and the signature). Its shape is common/scan_codes.py's; tests/unit/test_scan_codes.py holds this to it. */
export const MEMBER_QR = /^OTK1\./i;
