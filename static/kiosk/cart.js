/* The kiosk cart: kept in the page, priced by the store server, sent to the till as a ticket (K-12 + QR). */
import { $, Kiosk } from "./core.js";

var K = function () { return Kiosk; };
var quoteSeq = 0;
var sending = false;

function lines() { return K().state.cart.map(function (l) { return { sku: l.sku, qty: l.qty }; }); }
function count() { return K().state.cart.reduce(function (n, l) { return n + l.qty; }, 0); }

/* Current prices come from the server; the latest answer wins even if an older one arrives after it. */
function requote() {
  var mine = ++quoteSeq;
  var st = K().state;
  if (!st.cart.length) { st.quoted = null; badge(); if (st.screen === "cart") render(); return; }
  K().api("POST", "/cart/quote", { lines: lines() }).then(function (res) {
    if (mine !== quoteSeq) return;
    st.quoted = res.ok ? res.data : null;
    badge();
    if (st.screen === "cart") render();
  });
}

function add(p, qty) {
  var st = K().state;
  var line = st.cart.find(function (l) { return l.sku === p.sku; });
  if (line) line.qty = Math.min(99, line.qty + qty);
  else st.cart.push({ sku: p.sku, qty: qty, name: p.name, price: p.price });
  K().toast(K().t("added", { name: p.name }), "ok");
  badge();
  requote();
}

function setQty(sku, qty) {
  var st = K().state;
  st.cart = st.cart.map(function (l) { return l.sku === sku ? { sku: l.sku, qty: qty, name: l.name, price: l.price } : l; })
    .filter(function (l) { return l.qty > 0; });
  badge();
  render();
  requote();
}

function badge() {
  var st = K().state;
  var n = count();
  $("cart-count").textContent = String(n);
  $("cart-total").textContent = n && st.quoted ? K().money(st.quoted.total) : "";
  $("cart-btn").classList.toggle("has-items", n > 0);
}

function render() {
  var k = K();
  var st = k.state;
  var box = $("cart-lines");
  var summary = $("cart-summary");
  box.textContent = "";
  summary.textContent = "";
  if (!st.cart.length) {
    box.appendChild(k.el("p", "empty", k.t("cart_empty")));
    summary.appendChild(k.button("btn btn-secondary wide", k.t("keep_shopping"), function () { k.show("welcome"); }));
    return;
  }
  var priced = {};
  ((st.quoted || {}).lines || []).forEach(function (l) { priced[l.sku] = l; });
  st.cart.forEach(function (l) {
    var p = priced[l.sku] || { unit_price: l.price, amount: l.price * l.qty };
    var row = k.el("div", "cart-line");
    row.dataset.sku = l.sku;
    var info = k.el("div", "line-info");
    info.append(k.el("span", "line-name", l.name), k.el("span", "line-unit", k.money(p.unit_price) + (p.promo ? " \u00b7 " + p.promo : "")));
    var stepper = k.el("div", "stepper");
    stepper.append(k.button("step", "\u2212", function () { setQty(l.sku, l.qty - 1); }),
                   k.el("output", "qty-value", String(l.qty)),
                   k.button("step", "+", function () { setQty(l.sku, Math.min(99, l.qty + 1)); }));
    var remove = k.button("btn-remove", "\u00d7", function () { setQty(l.sku, 0); });
    remove.setAttribute("aria-label", k.t("remove"));
    row.append(info, stepper, k.el("span", "line-amount", k.money(p.amount)), remove);
    box.appendChild(row);
  });
  var total = k.el("div", "total-row");
  total.append(k.el("span", "total-label", k.t("total") + " \u00b7 " + k.t("items", { n: count() })),
               k.el("span", "total-amount", st.quoted ? k.money(st.quoted.total) : "\u2026"));
  var sendBtn = k.button("btn btn-send btn-big wide", "", send);
  sendBtn.id = "send-to-till";
  sendBtn.append(svgIcon("#i-send"), k.el("span", "", k.t("send_to_till")));
  var more = k.el("div", "actions");
  more.append(k.button("btn btn-secondary", k.t("keep_shopping"), function () { k.show("welcome"); }),
              k.button("btn btn-ghost", k.t("clear_cart"), function () { st.cart = []; requote(); render(); }));
  summary.append(total, sendBtn, k.el("p", "muted", k.t("send_hint")), more);
}

function svgIcon(ref) {
  var ns = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "icon");
  var use = document.createElementNS(ns, "use");
  use.setAttribute("href", ref);
  svg.appendChild(use);
  return svg;
}

function send() {
  var k = K();
  if (sending || !k.state.cart.length) return;
  sending = true;
  k.api("POST", "/carts", { lines: lines(), device_id: k.settings.device }).then(function (res) {
    sending = false;
    if (!res.ok) { k.toast(k.problem(res), "error"); return; }
    k.state.cart = [];
    k.state.quoted = null;
    badge();
    showTicket(res.data);
  });
}

function showTicket(ticket) {
  K().state.ticket = ticket;
  $("toast").hidden = true; // the "added" note would cover the code
  $("ticket-qr").src = "/kiosk/ticket.svg?p=" + encodeURIComponent(ticket.qr_payload);
  $("ticket-code").textContent = ticket.code;
  retext();
  K().show("ticket");
}

/* The ticket's sentences, again in the language just chosen. */
function retext() {
  var k = K();
  var ticket = k.state.ticket;
  if (!ticket) return;
  var minutes = Math.round((Date.parse(ticket.expires_at) - Date.parse(ticket.created_at)) / 60000);
  $("ticket-summary").textContent = k.t("items", { n: ticket.items }) + " \u00b7 " + k.money(ticket.total);
  $("ticket-note").textContent = k.t("ticket_note", { minutes: minutes });
}

export const KioskCart = { add: add, render: render, badge: badge, retext: retext, showTicket: showTicket };
