// Shared by the till and the customer display: texts, money, the JSON API and Socket.IO.
// Money is always an integer count of minor units (Rupiah); nothing here uses floats for money.

export const boot = JSON.parse(document.getElementById("boot").textContent);

// ---- texts -------------------------------------------------------------------------------
let catalogs = null;          // both languages, fetched on the first switch
let texts = boot.t || {};
export let lang = boot.lang || "id";

function rememberLang(code) {
  document.cookie = `lang=${code}; path=/; max-age=${60 * 60 * 24 * 365}; SameSite=Lax`;
}
// ?lang=en chosen in the address is remembered for the next visit, like the toggle.
if (new URLSearchParams(window.location.search).get("lang") === lang) rememberLang(lang);

export function fill(template, vars = {}) {
  return String(template).replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** The text for `key` in the current language, with {placeholders} filled. */
export function t(key, vars) {
  const one = vars && vars.n === 1 && `${key}_one` in texts;  // "1 item", not "1 items"
  const text = one ? texts[`${key}_one`] : key in texts ? texts[key] : key;
  return vars ? fill(text, vars) : text;
}

export function has(key) {
  return key in texts;
}

/** Re-apply texts to every element marked data-i18n / data-i18n-placeholder. */
export function applyTexts(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n, el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : undefined);
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-texts]")) {
    el.textContent = JSON.parse(el.dataset.i18nTexts)[lang] || el.textContent;
  }
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll(".lang-current")) el.textContent = lang.toUpperCase();
}

/** Switch language in place (no page load): remember it in a cookie and in the address. */
export async function setLang(code) {
  if (!catalogs) {
    const res = await fetch(boot.i18n_url, { cache: "no-cache" });
    catalogs = await res.json();
  }
  if (!catalogs[code]) return;
  lang = code;
  texts = catalogs[code];
  rememberLang(code);
  const url = new URL(window.location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.set("lang", code);
    history.replaceState(null, "", url);
  }
  applyTexts();
}

export function otherLang() {
  return lang === "id" ? "en" : "id";
}

// ---- money -------------------------------------------------------------------------------
const cur = boot.currency;
/** The largest line, sale or payment (common.limits.MAX_AMOUNT): the store and central refuse more. */
export const MAX_AMOUNT = boot.max_amount;

function group(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, cur.thousands);
}

/** `Rp 12.500` from an integer amount of minor units. */
export function money(amount) {
  const n = Number(amount);
  if (!Number.isSafeInteger(n)) return "–";
  const negative = n < 0;
  const abs = Math.abs(n);
  let text;
  if (cur.minor_units > 0) {
    const unit = 10 ** cur.minor_units;
    const minor = String(abs % unit).padStart(cur.minor_units, "0");
    text = group(String((abs - (abs % unit)) / unit)) + cur.decimal + minor;
  } else {
    text = group(String(abs));
  }
  return `${negative ? "-" : ""}${cur.symbol} ${text}`;
}

/** A typed amount ("50000", "50.000", "Rp 50.000") as integer minor units, or null. */
export function parseAmount(text) {
  const cleaned = String(text).replace(/^\s*Rp\s*/i, "").replace(/[\s.]/g, "");
  if (!/^\d{1,13}$/.test(cleaned)) return null;
  return Number(cleaned) * 10 ** cur.minor_units;
}

/** Cash rounding as the server does it (nearest unit, halves up), on integers only. */
export function roundCash(amount) {
  const unit = cur.cash_rounding;
  if (!unit || unit <= 1) return amount;
  return Math.floor((2 * amount + unit) / (2 * unit)) * unit;
}

// ---- dates: 23/11/2026 14:05 --------------------------------------------------------------
const two = (n) => String(n).padStart(2, "0");
export function dateTime(d = new Date()) {
  const x = d instanceof Date ? d : new Date(d);
  return `${two(x.getDate())}/${two(x.getMonth() + 1)}/${x.getFullYear()} ${two(x.getHours())}:${two(x.getMinutes())}`;
}
export function timeOnly(d) {
  const x = d instanceof Date ? d : new Date(d);
  return `${two(x.getHours())}:${two(x.getMinutes())}`;
}

// ---- the JSON API ------------------------------------------------------------------------
export class ApiError extends Error {
  constructor(status, code, message, detail = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

// idem.js (loaded first on the till) adds an Idempotency-Key to writes that create or pay.
const send = (path, init) => (window.omnitokoFetch ? window.omnitokoFetch(path, init) : fetch(`/api/v1${path}`, init));

/** Call /api/v1; resolves to the JSON body, rejects with ApiError (code "network" if unreachable). */
export async function api(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await send(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, "network", String(e));
  }
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const { code = `http_${res.status}`, message = res.statusText, ...detail } = err;
    throw new ApiError(res.status, code, message, detail);
  }
  return data;
}

/** An API error in the cashier's language, saying what to do; falls back to the server's message. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t("err.generic", { message: String(err && err.message ? err.message : err) });
  const vars = { ...err.detail, message: err.message };
  if (typeof vars.remaining === "number") vars.remaining = money(vars.remaining);
  if (typeof vars.max === "number") vars.max = money(vars.max);
  const key = `err.${err.code}`;
  return has(key) ? t(key, vars) : t("err.generic", vars);
}

// ---- Socket.IO ---------------------------------------------------------------------------
/** Connect and join the till's room (again after every reconnect); `onLive(bool)` reports the link. */
export function connectTill(tillId, handlers, onLive) {
  // eslint-disable-next-line no-undef
  const socket = io({ reconnectionDelayMax: 5000 });
  socket.on("connect", () => {
    socket.emit("join", { till: tillId }, (ack) => onLive(Boolean(ack && ack.ok)));
  });
  socket.on("disconnect", () => onLive(false));
  for (const [event, fn] of Object.entries(handlers)) socket.on(event, fn);
  return socket;
}

/** A text as HTML that switches language in place; `vars` fill its {placeholders}. */
export function T(key, vars) {
  const v = vars ? ` data-i18n-vars="${escapeHtml(JSON.stringify(vars))}"` : "";
  return `<span data-i18n="${escapeHtml(key)}"${v}>${escapeHtml(t(key, vars))}</span>`;
}

/** A text the server made in every language ({id, en}) as HTML that switches language in place. */
export function serverText(texts, fallback = "") {
  const safe = texts && typeof texts === "object" ? texts : {};
  const attr = escapeHtml(JSON.stringify(safe));
  return `<span data-i18n-texts="${attr}">${escapeHtml(safe[lang] || safe.id || fallback)}</span>`;
}

export function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}
