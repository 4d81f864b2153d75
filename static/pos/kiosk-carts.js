// Kiosk carts at the till: "Kiosk cart K-12 ready" live over Socket.IO; F10 (or the button, or scanning the
// ticket's QR / typing K-12 in the scan field) loads it into the current sale, once. A paid online order's QR
// (or its code typed) hands the order to the shopper once it is packed.
// A module beside till.js: it keeps to the till's token and its own socket, and hands the loaded sale to
// the till through a cancelable "omnitoko:sale" event; if nothing handles that event it reloads the page,
// which brings the till back on the same open sale through the existing API.
import { has, inOrder, money, saleKey, t as tt, tillCall, tillToken } from "./common.js";

var KEY = saleKey("F10");
var NOTE_KEY = "omnitoko.kioskNote";
var TICKET = /^(K1\.[0-9a-f-]{36}\.[0-9a-f]{20}|K-?\d{1,5})$/i;
// An online cart's QR (OC1.<shop>.<code>) or its code as shown, with the dash (K7Q-42P): claimed at central.
var ONLINE = /^(OC1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9-]{6,8}|[A-HJKMNP-Z][2-9A-HJKMNP-Z]{2}-[2-9A-HJKMNP-Z]{3})$/i;
// A paid online order's QR (OO1.<code>): handed to the shopper once it is packed (the store checks the code offline).
var ORDER = /^OO1\.[A-Za-z0-9-]{6,8}$/i;
var waiting = [];   // [{code, items, total}] oldest first
var pickups = [];   // paid online orders packed for the shopper to collect here: [{number, customer, items}]
var ORDERS_EVERY_MS = 20000;
var busy = false;
var box = null;

// Its words are the "kc." keys of the till's catalog (static/i18n/pos.json).
function t(key, vars) { return tt("kc." + key, vars); }
var token = tillToken;

var call = tillCall;

// ---- the panel -------------------------------------------------------------------------------
function ensureBox() {
  if (box) return box;
  var style = document.createElement("style");
  style.textContent = [
    "#kiosk-carts{position:fixed;left:16px;bottom:84px;z-index:50;display:flex;flex-direction:column;gap:8px;",
    "max-width:min(560px,92vw);font-size:1.05rem}",
    "#kiosk-carts .kc{display:flex;align-items:center;gap:12px;padding:12px 14px;border-radius:12px;",
    "background:#0f1b2d;color:#fff;box-shadow:0 6px 24px rgba(0,0,0,.25);border-left:8px solid #ffd23f}",
    "#kiosk-carts .kc b{font-size:1.15rem}#kiosk-carts .kc .kc-sub{opacity:.85}",
    "#kiosk-carts .kc button{margin-left:auto;min-height:48px;padding:0 16px;border:0;border-radius:10px;",
    "background:#ffd23f;color:#1a1300;font:inherit;font-weight:800;cursor:pointer;white-space:nowrap}",
    "#kiosk-carts .kc.kc-order{border-left-color:#38bdf8}",
    "#kiosk-carts .kc-note{padding:12px 14px;border-radius:12px;background:#dcfce7;color:#14532d;font-weight:600;",
    "box-shadow:0 6px 24px rgba(0,0,0,.15)}#kiosk-carts .kc-note.err{background:#fee2e2;color:#7f1d1d}",
  ].join("");
  document.head.appendChild(style);
  box = document.createElement("div");
  box.id = "kiosk-carts";
  box.setAttribute("aria-live", "polite");
  document.body.appendChild(box);
  return box;
}

function render() {
  var bar = document.querySelector(".keys [data-action=kiosk]");
  if (bar) bar.dataset.waiting = String(waiting.length);  // the key bar's F10 lights up while a cart waits
  var b = ensureBox();
  Array.prototype.slice.call(b.querySelectorAll(".kc")).forEach(function (e) { e.remove(); });
  waiting.forEach(function (c, i) {
    var row = document.createElement("div");
    row.className = "kc";
    row.dataset.code = c.code;
    var text = document.createElement("div");
    var title = document.createElement("b");
    title.textContent = t("ready", { code: c.code });
    var sub = document.createElement("div");
    sub.className = "kc-sub";
    sub.textContent = t("items", { n: c.items }) + " · " + money(c.total);
    text.append(title, sub);
    var open = document.createElement("button");
    open.type = "button";
    open.tabIndex = -1;
    open.textContent = (i === 0 ? KEY + " " : "") + t("open");
    open.addEventListener("click", function () { take(c.code); });
    row.append(text, open);
    b.insertBefore(row, b.firstChild);
  });
  Array.prototype.slice.call(b.querySelectorAll(".kc-order")).forEach(function (e) { e.remove(); });
  pickups.forEach(function (o) {
    // Handed over only against the shopper's QR or code (scanned or typed in the scan field): no button.
    var row = document.createElement("div");
    row.className = "kc kc-order";
    row.dataset.order = o.number;
    var title = document.createElement("b");
    title.textContent = t("order_ready", { number: o.number });
    var sub = document.createElement("div");
    sub.className = "kc-sub";
    sub.textContent = [o.customer, t("items", { n: o.items }), t("order_scan")].filter(Boolean).join(" · ");
    var text = document.createElement("div");
    text.append(title, sub);
    row.appendChild(text);
    b.insertBefore(row, b.firstChild);
  });
}

// Paid online orders packed here for pickup: shown until handed over (the store's copy, so offline too).
function refreshOrders() {
  if (!token()) { pickups = []; render(); return; }
  call("GET", "/online-orders").then(function (res) {
    if (!res.ok) return;
    pickups = (res.data.items || []).filter(function (o) { return o.mode === "pickup" && o.status === "packed"; });
    render();
  });
}

var noteTimer = null;
function note(text, isError) {
  var b = ensureBox();
  var n = b.querySelector(".kc-note");
  if (!n) { n = document.createElement("div"); n.className = "kc-note"; b.appendChild(n); }
  n.textContent = text;
  n.classList.toggle("err", !!isError);
  clearTimeout(noteTimer);
  noteTimer = setTimeout(function () { n.remove(); }, isError ? 9000 : 12000);
}

// ---- the waiting list ------------------------------------------------------------------------
function refresh() {
  if (!token()) { waiting = []; render(); return; }
  call("GET", "/kiosk-carts").then(function (res) {
    if (res.ok) { waiting = res.data.items || []; render(); }
  });
}
function ready(data) {
  if (!data || !data.code) return;
  waiting = waiting.filter(function (c) { return c.code !== data.code; }).concat([data]);
  render();
}
function gone(data) {
  waiting = waiting.filter(function (c) { return c.code !== (data && data.code); });
  render();
}

// ---- taking a cart into the sale -------------------------------------------------------------
function outcome(kc) {
  var online = kc.kind === "online";
  var parts = [t(online ? "opened_online" : "opened", { code: kc.code, n: kc.items })];
  if (online && !kc.confirmed) parts.push(t("not_confirmed"));
  if (kc.price_changes && kc.price_changes.length) {
    parts.push(t("changed", { list: kc.price_changes.map(function (p) {
      return p.name + " " + money(p.was) + " → " + money(p.now);
    }).join(", ") }));
  }
  if (kc.unavailable && kc.unavailable.length) {
    parts.push(t("missing", { list: kc.unavailable.map(function (u) { return u.name; }).join(", ") }));
  }
  if (kc.short && kc.short.length) {
    parts.push(t("short", { list: kc.short.map(function (u) { return u.name + " (" + u.on_hand + "/" + u.qty + ")"; }).join(", ") }));
  }
  return parts.join(" ");
}

function take(code, path) {
  if (busy) return;
  if (!token()) { note(t("signin"), true); return; }
  busy = true;
  note(t("opening", { code: code }), false);
  // After the till's own requests still on their way (a scan): the cart's sale is drawn last, with that scan in it.
  inOrder(function () { return call("POST", path || "/kiosk-carts/take", { code: code }); }).then(function (res) {
    busy = false;
    if (!res.ok) {
      var err = (res.data && res.data.error) || {};
      note(has("kc." + err.code) ? t(err.code, err) : (err.message || t("network")), true);
      if (err.code === "ticket_taken" || err.code === "expired_ticket") gone({ code: err.ticket });
      return;
    }
    gone({ code: res.data.kiosk_cart.code });
    var text = outcome(res.data.kiosk_cart);
    var ev = new CustomEvent("omnitoko:sale", { detail: res.data.sale, cancelable: true });
    if (!document.dispatchEvent(ev)) { note(text, false); return; }  // the till took the sale in place
    sessionStorage.setItem(NOTE_KEY, text);
    window.location.reload();
  });
}

// An online order collected at the till: its QR always; a typed code that is no order of this store is a cart.
function handOver(code, orCart) {
  if (busy) return;
  if (!token()) { note(t("signin"), true); return; }
  busy = true;
  call("POST", "/online-orders/handover", { code: code }).then(function (res) {
    busy = false;
    var err = (res.data && res.data.error) || {};
    if (!res.ok && orCart && err.code === "unknown_order_code") { take(code, "/online-carts/take"); return; }
    if (!res.ok) { note(err.message || t("network"), true); return; }
    note(t("order_handed", { number: res.data.number, n: res.data.picked_items }), false);
    refreshOrders();
  });
}
// The oldest cart waiting, or a word that none is (the key is on the key bar whether or not one waits).
function takeFirst() {
  if (waiting.length) take(waiting[0].code);
  else note(t("none"), false);
}
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-action=kiosk]") && onSaleScreen()) takeFirst();
});

function onSaleScreen() {
  var sale = document.getElementById("screen-sale");
  var modal = document.getElementById("modal");
  return !!sale && !sale.hidden && (!modal || modal.hidden);
}

// Before the till's own keys: the open key, and a ticket scanned or typed into the scan field.
window.addEventListener("keydown", function (e) {
  if (!onSaleScreen()) return;
  if (e.key === KEY) {
    e.preventDefault();
    e.stopImmediatePropagation();
    takeFirst();
    return;
  }
  var field = document.activeElement;
  if (e.key !== "Enter" || !field || field.id !== "scan") return;
  var typed = field.value.trim();
  var order = ORDER.test(typed);
  var online = !order && !TICKET.test(typed) && ONLINE.test(typed);
  if (!order && !online && !TICKET.test(typed)) return;
  e.preventDefault();
  e.stopImmediatePropagation();
  field.value = "";
  if (order || (online && !/^OC1\./i.test(typed))) { handOver(typed, !order); return; }
  take(typed, online ? "/online-carts/take" : null);
}, true);

function start() {
  var left = sessionStorage.getItem(NOTE_KEY);
  if (left) { sessionStorage.removeItem(NOTE_KEY); note(left, false); }
  if (typeof window.io === "function") {
    var socket = window.io({ reconnectionDelayMax: 5000 });
    socket.on("connect", refresh);
    socket.on("connect", refreshOrders);
    socket.on("kiosk_cart_ready", ready);
    socket.on("kiosk_cart_taken", gone);
  }
  // The till signs in after this script starts: pick the waiting list up when a token appears or changes.
  var seen = token();
  setInterval(function () {
    if (token() !== seen) { seen = token(); refresh(); refreshOrders(); }
  }, 1000);
  setInterval(refreshOrders, ORDERS_EVERY_MS);  // the feed brings orders in the agent's rounds: a poll is enough
  refresh();
  refreshOrders();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

export { refresh, take };
export const waitingCarts = () => waiting.slice();
