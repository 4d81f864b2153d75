/* The kiosk as a paired device (issue 15): it keeps the device token a manager's pairing code bought, sends it
   on every kiosk API call (X-Kiosk-Device), and asks for a code when it has none or the store refused it.
   Unpaired, the kiosk still checks prices; printing tickets, sending carts and points need the pairing.
   An ES module loaded before kiosk.js (modules run in document order), so every kiosk call goes through its
   fetch; its dialog, banner and notice are in the page (templates/kiosk/kiosk.html), worded by the catalog. */
import { $, Kiosk } from "./core.js";

const KEY = "omnitoko.kioskDevice";
const HEADER = "X-Kiosk-Device";
const API = "/api/v1/kiosk";
const NOTICE_MS = 4000;
const realFetch = window.fetch.bind(window);
const t = (key) => Kiosk.t(`device_${key}`); // the "device_" keys of the kiosk catalog (static/i18n/kiosk.json)

function stored() {
  try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
}
let memo = stored();
function remember(value) {
  try {
    if (value) window.localStorage.setItem(KEY, value); else window.localStorage.removeItem(KEY);
  } catch (e) { /* private mode: the pairing lasts this page */ }
  memo = value;
}

// ---- the dialog that asks for a code, and the banner of an unpaired kiosk ----------------------------------
const overlay = $("pairing");
const input = $("pairing-code");
const message = $("pairing-message");
const pairBtn = $("pairing-submit");
const banner = $("pairing-banner");
const notice = $("kiosk-notice");

// The page's wedge scanner listens on the document: typing a code here is not a scan.
input.addEventListener("keydown", (e) => e.stopPropagation());
$("pairing-form").addEventListener("submit", (e) => { e.preventDefault(); pair(input.value); });
$("pairing-later").addEventListener("click", () => { overlay.hidden = true; });
$("pairing-open").addEventListener("click", () => ask(""));

function setPaired(yes) {
  document.body.dataset.kioskPaired = yes ? "yes" : "no";
  banner.hidden = yes;
  if (yes) overlay.hidden = true;
}
function ask(why) {
  message.hidden = !why;
  message.textContent = why || "";
  overlay.hidden = false;
  input.value = "";
  input.focus();
}
let noticeTimer = null;
function notify(text, kind) {
  notice.className = `toast toast-${kind}`;
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { notice.hidden = true; }, NOTICE_MS);
}
// Like the page's toasts, the notice goes at the shopper's next touch or scan.
for (const ev of ["pointerdown", "keydown"]) document.addEventListener(ev, () => { notice.hidden = true; }, true);

async function pair(code) {
  code = (code || "").trim();
  if (!code) { input.focus(); return false; }
  pairBtn.disabled = true;
  let r;
  try {
    r = await realFetch(`${API}/pair`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ code: code, name: (Kiosk.settings.device || "kiosk").slice(0, 32) }),
    });
  } catch (e) {
    pairBtn.disabled = false;
    ask(t("offline"));
    return false;
  }
  const data = await r.json().catch(() => ({}));
  pairBtn.disabled = false;
  if (r.ok && data.token) {
    remember(data.token);
    setPaired(true);
    notify(t("paired"), "ok");
    return true;
  }
  const err = data.error || {};
  ask(r.status === 429 || r.status === 423 ? err.message || t("busy") : t("wrong"));
  setPaired(false);
  return false;
}

// ---- every kiosk API call carries the token; a refusal of the device asks for a code again ----------------
// (A kiosk going too fast, 429, is said by the step that asked, in the shopper's language: core.js problem.)
function watch(promise) {
  return promise.then((r) => {
    if (r.status === 401 || r.status === 403) {
      r.clone().json().then((data) => {
        const err = (data && data.error) || {};
        if (err.code === "kiosk_not_paired" || err.code === "kiosk_revoked") {
          remember("");
          setPaired(false);
          ask(err.message);
        }
      }, () => {});
    }
    return r;
  });
}
window.fetch = function (input, init) {
  const url = typeof input === "string" ? input : (input && input.url) || "";
  if (!url.startsWith(`${API}/`) || url === `${API}/pair` || !memo) return watch(realFetch(input, init));
  const headers = new Headers((init && init.headers) || {});
  headers.set(HEADER, memo);
  return watch(realFetch(input, { ...(init || {}), headers: headers }));
};

function start() {
  const params = new URLSearchParams(window.location.search);
  const wanted = params.get("pair");
  if (wanted) {
    // A pairing link (the demo prints one): use it once, and take it off the address bar.
    params.delete("pair");
    const rest = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? `?${rest}` : ""));
  }
  if (wanted && !memo) {
    pair(wanted);
    return;
  }
  if (wanted) {
    // A pairing link on a kiosk that holds a token: the token if the store still knows it (the code stays unused),
    // else the link (a token from a store database since reset or restored, or a revoked one).
    realFetch(`${API}/device`, { headers: { "Accept": "application/json", [HEADER]: memo } }).then((r) => {
      if (r.status === 401 || r.status === 403) { remember(""); pair(wanted); } else setPaired(true);
    }, () => setPaired(true));
    return;
  }
  if (!memo) {
    setPaired(false);
    ask("");
    return;
  }
  // Still paired? (A manager may have revoked it meanwhile; the watcher asks for a code if so.)
  window.fetch(`${API}/device`, { headers: { "Accept": "application/json" } }).then((r) => {
    if (r.ok) setPaired(true);
    else if (r.status !== 401 && r.status !== 403) setPaired(true); // the server is down: keep the token
  }, () => setPaired(true));
}
start(); // a module runs once the page is parsed
