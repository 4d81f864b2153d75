/* An online cart opened at the kiosk: its lines at this store's prices, what changed since the shop showed them,
 what this store lacks, and "send to till" (a kiosk ticket, the same handoff as a kiosk cart). */
import { KioskCart } from "./cart.js";
import { $, Kiosk } from "./core.js";

var K = function () { return Kiosk; };
var current = null;
var sending = false;
var ERRORS = {
  unknown_cart: "oc_unknown", cart_expired: "oc_expired", cart_checked_out: "oc_paid", cart_claimed: "oc_claimed",
  other_shop_cart: "oc_other_shop", bad_cart_code: "bad_cart_code", central_unreachable: "oc_unreachable",
  online_carts_not_connected: "online_not_connected", empty_cart: "oc_empty", nothing_sold_here: "oc_nothing_here",
  online_cart_moved_on: "oc_moved_on", unknown_open_cart: "oc_moved_on",
};

function problem(res) {
  var err = (res.data && res.data.error) || {};
  return ERRORS[err.code] ? K().t(ERRORS[err.code], { code: err.cart_code || "" }) : K().problem(res);
}

function note(cls, text) { return K().el("span", "oc-note " + cls, text); }

function render() {
  var k = K();
  if (!current) return;
  var v = current;
  $("oc-code").textContent = v.code;
  var state = $("oc-state");
  state.className = "oc-state " + (v.confirmed ? "ok" : "warn");
  state.textContent = v.confirmed ? k.t("oc_confirmed") : k.t("oc_not_confirmed");
  $("oc-state-sub").textContent = v.confirmed ? (v.reserved_here ? k.t("oc_reserved_here") : "") : k.t("oc_not_confirmed_sub");
  var box = $("oc-lines");
  box.textContent = "";
  v.lines.forEach(function (l) {
    var row = k.el("div", "cart-line oc-line" + (l.sold_here ? "" : " oc-gone"));
    row.dataset.sku = l.sku;
    var info = k.el("div", "line-info");
    info.appendChild(k.el("span", "line-name", l.name));
    if (l.sold_here) {
      info.appendChild(k.el("span", "line-unit", l.qty + " \u00d7 " + k.money(l.unit_price) + (l.promo ? " \u00b7 " + l.promo : "")));
      if (l.price_changed) info.appendChild(note("warn", k.t("oc_price_changed", { was: k.money(l.online_net), now: k.money(l.net) })));
      if (l.short) info.appendChild(note("warn", k.t("oc_short", { n: Math.max(0, l.on_hand) })));
    } else {
      info.appendChild(note("bad", k.t("oc_not_sold_here")));
    }
    row.append(info, k.el("span", "line-amount", l.sold_here ? k.money(l.net) : "\u2013"));
    box.appendChild(row);
  });
  var sum = $("oc-summary");
  sum.textContent = "";
  var total = k.el("div", "total-row");
  total.append(k.el("span", "total-label", k.t("total") + " \u00b7 " + k.t("items", { n: v.items })),
               k.el("span", "total-amount", k.money(v.total)));
  total.id = "oc-total";
  sum.appendChild(total);
  if (v.total !== v.total_online) sum.appendChild(k.el("p", "muted oc-online-total", k.t("oc_online_total", { total: k.money(v.total_online) })));
  var send = k.button("btn btn-send btn-big wide", k.t("send_to_till"), sendToTill);
  send.id = "online-send";
  send.disabled = !v.items;
  var cancel = k.button("btn btn-ghost", k.t("oc_cancel"), letGo);
  cancel.id = "online-cancel";
  var actions = k.el("div", "actions");
  actions.appendChild(cancel);
  sum.append(send, k.el("p", "muted", k.t("oc_send_hint")), actions);
}

function show(view) {
  current = view;
  render();
  K().show("online-cart");
}

function sendToTill() {
  var k = K();
  if (sending || !current) return;
  sending = true;
  k.api("POST", "/online-carts/" + current.open_id + "/send", { device_id: k.settings.device }).then(function (res) {
    sending = false;
    if (!res.ok) { k.toast(problem(res), "error"); return; }
    current = null;
    KioskCart.showTicket(res.data);
  });
}

function letGo() {
  var k = K();
  var open = current;
  current = null;
  if (open) k.api("POST", "/online-carts/" + open.open_id + "/release");
  k.show("welcome");
}

/* The kiosk starts over (idle, Done): a cart still open here is given back, so it is open online again at once. */
function drop() {
  if (current) K().api("POST", "/online-carts/" + current.open_id + "/release");
  current = null;
}

export const KioskOnline = { show: show, problem: problem, retext: render, drop: drop };
