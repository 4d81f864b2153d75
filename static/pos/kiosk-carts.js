// Kiosk carts at the till: "Kiosk cart K-12 ready" live over Socket.IO; F10 (or the button, or scanning the
// ticket's QR / typing K-12 in the scan field) loads it into the current sale, once. A paid online order's QR
// (or its code typed) hands the order to the shopper once it is packed.
// A module beside till.js: it keeps to the till's token and its own socket, and hands the loaded sale to
// the till through a cancelable "omnitoko:sale" event; if nothing handles that event it reloads the page,
// which brings the till back on the same open sale through the existing API.
import { escapeHtml, has, inOrder, money, saleKey, T, tillCall, tillToken } from "./common.js";
import { message } from "./till_view.js";

var KEY = saleKey("F10");
var NOTE_KEY = "omnitoko.kioskNote";
// The shapes of these codes are common/scan_codes.py's; tests/unit/test_scan_codes.py holds these copies to them.
var TICKET = /^(K1\.[0-9a-f-]{36}\.[0-9a-f]{20}|K-?0*\d{1,5})$/i;
// An online cart's QR (OC1.<shop>.<code>) or its code as shown, with the dash (K7Q-42P): claimed at central.
var ONLINE = /^(OC1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9-]{6,8}|[A-HJKMNP-Z][2-9A-HJKMNP-Z]{2}-[2-9A-HJKMNP-Z]{3})$/i;
// Starts like an online cart's QR (OC1.): taken as a cart at once (a code alone is tried as an order first).
var CART_QR_START = /^OC1\./i;
// A paid online order's QR (OO1.<code>): handed to the shopper once it is packed (the store checks the code offline).
var ORDER = /^OO1\.[A-Za-z0-9-]{6,8}$/i;
// The same codes typed without their dash (P56A7H), as a shopper reads them out: tried as an order, then as a cart,
// and when neither has that code, searched for as the cashier typed it (a word like MANGGA is a product search).
var LOOSE = /^[A-HJKMNP-Z][2-9A-HJKMNP-Z]{5}$/i;
var passOn = null; // a typed word handed back to the till's own scan field, once
// Answers that name no cart (central does not know the code, or the store cannot ask and holds no copy of it): the
// dashless word goes to the product search. Any other answer is about a real cart and is said as it is.
var NO_SUCH_CART = ["unknown_cart", "online_carts_not_connected", "central_unreachable"];
var waiting = [];   // [{code, items, total}] oldest first
var pickups = [];   // paid online orders packed for the shopper to collect here: [{number, customer, items}]
var ORDERS_EVERY_MS = 20000;
var busy = false;
var box = null;

// Its words are the "kc." keys of the till's catalog (static/i18n/pos.json), given to note() as [key, vars] parts.
var token = tillToken;

var call = tillCall;

// ---- what waits at this till: a strip of its own above the lines (templates/pos/till.html) --------------------
// Its rows stay until the cart is taken or the order handed over, so they take their own room: the lines, the
// total and the dialogs are never under them. Their words re-word themselves on a language switch (T).
function ensureBox() {
  if (!box) box = document.getElementById("kiosk-carts");
  return box;
}

function row(cls, title, sub) {
  var r = document.createElement("div");
  r.className = cls;
  r.innerHTML = "<b>" + title + "</b><span class=\"kc-sub\">" + sub.filter(Boolean).join(" · ") + "</span>";
  return r;
}

function render() {
  var bar = document.querySelector(".keys [data-action=kiosk]");
  if (bar) bar.dataset.waiting = String(waiting.length);  // the key bar's F10 lights up while a cart waits
  var b = ensureBox();
  if (!b) return;
  b.textContent = "";
  pickups.forEach(function (o) {
    // Handed over only against the shopper's QR or code (scanned or typed in the scan field): no button.
    var r = row("kc kc-order", T("kc.order_ready", { number: o.number }),
      [escapeHtml(o.customer || ""), T("kc.items", { n: o.items }), T("kc.order_scan")]);
    r.dataset.order = o.number;
    b.appendChild(r);
  });
  waiting.forEach(function (c, i) {
    var r = row("kc", T("kc.ready", { code: c.code }), [T("kc.items", { n: c.items }), escapeHtml(money(c.total))]);
    r.dataset.code = c.code;
    var open = document.createElement("button");
    open.type = "button";
    open.tabIndex = -1;
    open.innerHTML = (i === 0 ? "<kbd>" + KEY + "</kbd>" : "") + T("kc.open");
    open.addEventListener("click", function () { take(c.code); });
    r.appendChild(open);
    b.appendChild(r);
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

// What came of the cashier's act (opened, handed over, refused): in the till's message line, like its own.
function note(parts, isError) {
  message(typeof parts === "string" ? parts : parts.map(function (p) { return ["kc." + p[0], p[1]]; }),
    isError ? "error" : "ok");
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
  var parts = [[online ? "opened_online" : "opened", { code: kc.code, n: kc.items }]];
  if (online && !kc.confirmed) parts.push(["not_confirmed"]);
  if (kc.price_changes && kc.price_changes.length) {
    parts.push(["changed", { list: kc.price_changes.map(function (p) {
      return p.name + " " + money(p.was) + " → " + money(p.now);
    }).join(", ") }]);
  }
  if (kc.unavailable && kc.unavailable.length) {
    parts.push(["missing", { list: kc.unavailable.map(function (u) { return u.name; }).join(", ") }]);
  }
  if (kc.short && kc.short.length) {
    parts.push(["short", { list: kc.short.map(function (u) { return u.name + " (" + u.on_hand + "/" + u.qty + ")"; }).join(", ") }]);
  }
  return parts;
}

function take(code, path, orElse) {
  if (busy) return;
  if (!token()) { note([["signin"]], true); return; }
  busy = true;
  if (!orElse) note([["opening", { code: code }]], false);
  // After the till's own requests still on their way (a scan): the cart's sale is drawn last, with that scan in it.
  inOrder(function () { return call("POST", path || "/kiosk-carts/take", { code: code }); }).then(function (res) {
    busy = false;
    if (!res.ok) {
      var err = (res.data && res.data.error) || {};
      if (orElse && NO_SUCH_CART.indexOf(err.code) >= 0) { orElse(); return; }
      note(has("kc." + err.code) ? [[err.code, err]] : (err.message || [["network"]]), true);
      if (err.code === "ticket_taken" || err.code === "expired_ticket") gone({ code: err.ticket });
      return;
    }
    gone({ code: res.data.kiosk_cart.code });
    var text = outcome(res.data.kiosk_cart);
    var ev = new CustomEvent("omnitoko:sale", { detail: res.data.sale, cancelable: true });
    if (!document.dispatchEvent(ev)) { note(text, false); return; }  // the till took the sale in place
    sessionStorage.setItem(NOTE_KEY, JSON.stringify(text));
    window.location.reload();
  });
}

// An online order collected at the till: its QR always; a typed code that is no order of this store is a cart.
function handOver(code, orCart, orElse) {
  if (busy) return;
  if (!token()) { note([["signin"]], true); return; }
  busy = true;
  // In the till's queue too: a scan or key right after waits for the hand-over, whose word shows first.
  inOrder(function () { return call("POST", "/online-orders/handover", { code: code }); }).then(function (res) {
    busy = false;
    var err = (res.data && res.data.error) || {};
    if (!res.ok && orCart && err.code === "unknown_order_code") { take(code, "/online-carts/take", orElse); return; }
    if (!res.ok) { note(err.message || [["network"]], true); return; }
    // The till puts a paid sale's change away for the next shopper (till.js); a sale under way it leaves alone.
    document.dispatchEvent(new CustomEvent("omnitoko:handed-over", { detail: res.data }));
    note([["order_handed", { number: res.data.number, n: res.data.picked_items }]], false);
    refreshOrders();
  });
}
// The oldest cart waiting, or a word that none is (the key is on the key bar whether or not one waits).
function takeFirst() {
  if (waiting.length) take(waiting[0].code);
  else note([["none"]], false);
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
  if (passOn !== null && typed === passOn) { passOn = null; return; } // handed back: the till searches it
  var order = ORDER.test(typed);
  var online = !order && !TICKET.test(typed) && ONLINE.test(typed);
  var loose = !order && !online && LOOSE.test(typed);
  if (!order && !online && !loose && !TICKET.test(typed)) return;
  e.preventDefault();
  e.stopImmediatePropagation();
  field.value = "";
  if (loose) { handOver(typed, true, function () { searchAsTyped(field, typed); }); return; }
  if (order || (online && !CART_QR_START.test(typed))) { handOver(typed, !order); return; }
  take(typed, online ? "/online-carts/take" : null);
}, true);

// Neither an order nor a cart has that code: the till's scan field takes the word as the cashier typed it, unless
// they have typed something else since.
function searchAsTyped(field, typed) {
  if (field.value.trim()) return;
  field.value = typed;
  passOn = typed;
  field.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
}

function start() {
  var left = sessionStorage.getItem(NOTE_KEY);
  if (left) { sessionStorage.removeItem(NOTE_KEY); note(JSON.parse(left), false); }
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
