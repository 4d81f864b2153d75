// The till's and the customer display's own layer over static/shared/kit.js: boot data, the JSON API, Socket.IO.
// Money is always an integer count of minor units (Rupiah); nothing here uses floats for money.

import {
  $,
  applyTexts as applyKitTexts,
  el,
  errorOf,
  escapeHtml,
  fill,
  groupThousands,
  has,
  kgText,
  lang,
  loadCatalogs,
  money,
  otherLang,
  parseAmount,
  request,
  roundCash,
  serverText,
  storeClock,
  switchLang,
  t,
  T,
  useCurrency,
  useTexts,
} from "../shared/kit.js";

export const boot = JSON.parse(document.getElementById("boot").textContent);

// ---- texts (the `pos` catalog, static/i18n/pos.json) ---------------------------------------------
useTexts({ [boot.lang || "id"]: boot.t || {} }, boot.lang || "id");
useCurrency(boot.currency);
export { $, el, escapeHtml, fill, groupThousands, has, lang, money, otherLang, parseAmount, request, roundCash, serverText, t, T };

// ---- a line's quantity: units, or grams of a weighed line shown as kg -----------------------------
/** The quantity as HTML: "3", or a weighed line's "1,250 kg" as the server wrote it (in the store's number
 * format, the same in each language). */
export const qtyHtml = (line) => (line.measure === "weight" ? serverText(line.qty_text, String(line.qty)) : String(line.qty));
/** The unit price as HTML; a weighed line's is per kg. */
export const priceHtml = (line) => escapeHtml(money(line.unit_price))
  + (line.measure === "weight" ? `<span data-i18n="sale.per_kg">${escapeHtml(t("sale.per_kg"))}</span>` : "");
/** Any quantity of a line in its measure: `3`, or grams of a weighed line as `0,500 kg` in the store's number
 * format, as common.measure.format_qty writes it on the server. */
export const qtyOf = (line, n) => (line.measure === "weight" ? kgText(n) : String(n));
/** How many items the lines hold: a weighed line is one item, whatever it weighs. */
export const itemCount = (lines) => lines.reduce((n, l) => n + (l.measure === "weight" ? 1 : l.qty), 0);

/** Re-word the page (data-i18n and friends) and the language key's label. */
export function applyTexts(root = document) {
  applyKitTexts(root);
  for (const el of root.querySelectorAll(".lang-current")) el.textContent = lang.toUpperCase();
}

function rememberLang(code) {
  document.cookie = `lang=${code}; path=/; max-age=${60 * 60 * 24 * 365}; SameSite=Lax`;
}
// The page's language is remembered (a ?lang=en chosen in the address too, like the toggle), so the store
// server's own messages (a lock-out saying how long) come back in the language on screen.
rememberLang(lang);

/** Switch language in place (no page load): remember it in a cookie and in the address. */
export async function setLang(code) {
  await loadCatalogs("pos");
  if (!switchLang(code)) return;
  applyTexts();
  rememberLang(code);
  const url = new URL(window.location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.set("lang", code);
    history.replaceState(null, "", url);
  }
}

/** The largest line, sale or payment (common.limits.MAX_AMOUNT): the store and central refuse more. */
export const MAX_AMOUNT = boot.max_amount;

// ---- dates: 23/11/2026 14:05, on the store's clock ([store] timezone), whatever the PC's zone -----------------
const clock = storeClock(boot.store && boot.store.timezone);
export const dateTime = clock.dateTime;
export const timeOnly = clock.time;

// ---- the JSON API ------------------------------------------------------------------------
export class ApiError extends Error {
  constructor(status, code, message, detail = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

// The till's writes that create or pay carry one Idempotency-Key per user action (kept across a retry), so the
// store server does the action once and answers a retry with the first result.
const PAYING = [/^\/sales$/, /^\/sales\/[^/]+\/(tenders|pay|points|complete|qris)$/, /^\/refunds$/, /^\/kiosk-carts\/take$/,
  /^\/online-carts\/take$/, /^\/cash-moves$/];

/** Whether a call to /api/v1`path` is one of the till's paying writes. */
export const paying = (method, path) => method === "POST" && PAYING.some((r) => r.test(path));

/** Call /api/v1; resolves to the JSON body, rejects with ApiError (code "network" if unreachable). */
export async function api(method, path, body, token) {
  const res = await request(`/api/v1${path}`, { method, body, token, idempotent: paying(method, path) });
  if (res.status === 0) throw new ApiError(0, "network", res.data.error.message);
  if (!res.ok) {
    const { code = `http_${res.status}`, message = "", ...detail } = errorOf(res);
    throw new ApiError(res.status, code, message, detail);
  }
  return res.data;
}

/** Where the signed-in till keeps its bearer token (sessionStorage: one tab, one cashier). */
export const TOKEN_KEY = "omnitoko.token";
export const tillToken = () => sessionStorage.getItem(TOKEN_KEY);

/** One request at a time, in order, for the till page: its own keys (fast scans stay in order) and the parts beside it
 * that change the same sale (a kiosk cart taken with F10, points used: they wait for a scan still on its way, so
 * neither answer draws over the other). */
let queue = Promise.resolve();
export function inOrder(task) {
  const next = queue.then(task, task);
  queue = next.catch(() => {});
  return next;
}

/** A call as the signed-in till that never throws: {ok, status, data} (the member and kiosk-cart panels). */
export function tillCall(method, path, body) {
  return request(`/api/v1${path}`, { method, body, token: tillToken(), idempotent: paying(method, path) });
}

// Error details that are Rupiah amounts (common/i18n.py MONEY_DETAILS).
const MONEY_DETAILS = ["max", "remaining", "amount", "due", "change", "largest"];

/** An API error in the cashier's language, saying what to do; falls back to the server's message. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t("err.generic", { message: String(err && err.message ? err.message : err) });
  const vars = { ...err.detail, message: err.message };
  for (const k of MONEY_DETAILS) if (typeof vars[k] === "number") vars[k] = money(vars[k]);
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


// ---- the sale screen's keys ----------------------------------------------------------------
// Each script that acts on a key on the sale screen (till.js, member.js, kiosk-carts.js) takes the key's name from
// here, which lists it on <html data-sale-keys>: the key bar must show every one (tests/e2e/test_layout_browser.py
// compares the list with the bar's data-key attributes, and presses the keys left off to see that they do nothing).
const saleKeys = new Set();

/** Declare that `key` (a KeyboardEvent.key) does something on the sale screen; returns the key. */
export function saleKey(key) {
  saleKeys.add(key);
  document.documentElement.dataset.saleKeys = [...saleKeys].join(" ");
  return key;
}
