/* What every kiosk module shares: the page's settings, the shopper's state, words, money and the kiosk API.
   kiosk.js (the entry module) adds show / reset / points once its screens are wired. */
import {
  $, button, el, flash, money, request, storeClock, t, toast as showToast, useCurrency, useTexts,
} from "../shared/kit.js";

export { $ };
const S = JSON.parse($("kiosk-settings").textContent);
useTexts(JSON.parse($("kiosk-texts").textContent), S.lang); // the `kiosk` catalog, both languages
useCurrency(S.currency);

const state = { lang: S.lang, screen: "welcome", cart: [], quoted: null, categories: [], category: null,
                product: null, camera: null };

/** The kiosk API (/api/v1/kiosk): resolves to {ok, status, data}; status 0 when the store server is unreachable. */
function api(method, path, body) {
  return request("/api/v1/kiosk" + path, { method: method, body: body });
}

// Dates as the store's clock says them (23/11/2026 14:05).
const clock = storeClock(S.timezone);
/** "23/11/2026", or "23/11/2026 14:05" with `withTime`. */
function when(at, withTime) { return withTime ? clock.dateTime(at) : clock.date(at); }

/** Why a kiosk call failed, in the shopper's words. Past the kiosk's carts a minute (429): busy, and how many
 *  seconds to wait when the store said (its Retry-After, also in the error as wait_seconds). */
function problem(res) {
  if (res.status === 0) return t("offline");
  const err = (res.data && res.data.error) || {};
  const code = err.code;
  if (res.status === 429 || code === "kiosk_rate_limited") {
    const n = Number(err.wait_seconds);
    return n > 0 ? t("busy_wait", { n: n }) : t("busy");
  }
  const known = { online_carts_not_connected: "online_not_connected", bad_cart_code: "bad_cart_code" };
  return known[code] ? t(known[code]) : t("error");
}

// A toast says one thing for a few seconds; the shopper's next touch or scan takes it away at once, so it never
// lingers over what they look at next.
const TOAST_MS = 4000;
function toast(message, kind) { showToast($("toast"), message, kind || "ok", TOAST_MS); }
for (const ev of ["pointerdown", "keydown"]) document.addEventListener(ev, () => { $("toast").hidden = true; }, true);

export const Kiosk = { state: state, settings: S, t: t, money: money, when: when, el: el, button: button, api: api,
                       toast: toast, problem: problem, flashError: () => flash("flash-error"),
                       show: null, reset: null, points: null };
