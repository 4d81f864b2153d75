/* The kiosk: one page, screens swapped in place; the cart lives here until it is sent to the till.
   The entry module: it wires the screens, the scanner, the keyboards and the idle reset. */
import { button, el, groupThousands, MEMBER_QR, money, switchLang, t } from "../shared/kit.js";
import { renderElsewhere } from "../pos/stock_elsewhere.js";
import { KioskCart } from "./cart.js";
import { $, Kiosk } from "./core.js";
import { KioskIdle } from "./idle.js";
import { KioskKeyboard } from "./keyboard.js";
import { KioskOnline } from "./online.js";
import { KioskScan } from "./scan.js";
import { KioskSignUp } from "./signup.js";

var S = Kiosk.settings;
var state = Kiosk.state;
var api = Kiosk.api, problem = Kiosk.problem, toast = Kiosk.toast, flashError = Kiosk.flashError, when = Kiosk.when;

function applyTexts() {
  state.lang = switchLang(state.lang) ? state.lang : "id";
  document.querySelectorAll("[data-lang]").forEach(function (b) {
    b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang));
  });
  renderCategories();
  renderBadge();
  if (state.screen === "product" && state.product) renderProduct(state.product);
  if (state.screen === "cart") renderCart();
  if (state.screen === "category" && state.category) renderCategoryTitle();
  if (state.screen === "ticket") KioskCart.retext();
  if (state.screen === "online-cart") KioskOnline.retext();
  if (state.screen === "points") renderPoints();
}

// ---- screens ---------------------------------------------------------------------------------------
function show(name) {
  if (state.camera) closeCamera();
  state.screen = name;
  document.body.dataset.screen = name;
  document.querySelectorAll("main > .screen").forEach(function (s) { s.hidden = s.dataset.name !== name; });
  $("home-btn").hidden = name === "welcome";
  if (name === "cart") renderCart();
  window.scrollTo(0, 0);
}
function go(name) {
  if (name === "search") { searchKb.clear(); $("search-results").textContent = ""; }
  if (name === "online") { onlineKb.clear(); $("online-message").hidden = true; }
  if (name === "points") { state.points = null; renderPoints(); KioskSignUp.close(); }
  show(name);
}

// ---- categories and products -----------------------------------------------------------------------
function categoryName(c) { return state.lang === "en" ? (c.name_en || c.name) : c.name; }
function renderCategories() {
  var box = $("categories");
  box.textContent = "";
  state.categories.forEach(function (c, i) {
    var b = button("category cat-" + (i % 6), "", function () { openCategory(c, false); });
    b.dataset.category = c.code;
    b.append(el("span", "cat-name", categoryName(c)), el("span", "cat-count", t("products_count", { n: c.count })));
    box.appendChild(b);
  });
}
function renderCategoryTitle() { $("category-title").textContent = categoryName(state.category.info); }
function openCategory(info, more) {
  if (!more) state.category = { info: info, offset: 0 };
  var cat = state.category;
  api("GET", "/products?category=" + encodeURIComponent(info.code) + "&limit=24&offset=" + cat.offset)
    .then(function (res) {
      if (!res.ok) { toast(problem(res), "error"); return; }
      if (!more) { $("category-products").textContent = ""; renderCategoryTitle(); show("category"); }
      res.data.items.forEach(function (p) { $("category-products").appendChild(productTile(p)); });
      cat.offset += res.data.items.length;
      $("category-more").hidden = !res.data.more;
    });
}
/* An element whose words follow the language switch (shared applyTexts re-words data-i18n). */
function said(tag, cls, key) {
  var e = el(tag, cls, t(key));
  e.dataset.i18n = key;
  return e;
}
function productTile(p) {
  var card = el("div", "tile-product");
  var open = button("tile-product-open", "", function () { showProduct(p); });
  open.append(el("span", "p-name", p.name), priceTag("p-price", p));
  if (!p.in_stock) open.appendChild(said("span", "p-out", "out_of_stock"));
  var add = button("btn btn-add needs-pairing", "", function () { addToCart(p, 1); });
  add.append(said("span", "", "add"));  // a language switch re-words the tiles already shown
  add.dataset.sku = p.sku;
  card.append(open);
  if (!p.measure || p.measure === "unit") card.append(add);  // weighed goods are rung at the till
  return card;
}
/* The shelf price, or today's promotion price with the usual one struck through and the promotion's name (the
   price the till will ring up and the online shop shows); a multi-buy's deal in words ("Beli 2 Gratis 1") where the
   name goes, beside the usual price (the till prices it per complete set). */
function priceTag(cls, p) {
  var tag = el(cls === "product-price" ? "p" : "span", cls);
  if (p.label) return labelTag(tag, p);
  if (p.measure === "label") { tag.textContent = t("by_label"); return tag; }
  var per = p.measure === "weight" ? t("per_kg") : "";  // a weighed product's shelf price is per kg
  if (p.promo_price === null || p.promo_price === undefined) {
    tag.textContent = money(p.price) + per;
    if (p.deal) { tag.classList.add("on-promo"); tag.append(el("span", "promo-name", state.lang === "en" ? p.deal_en : p.deal)); }
    return tag;
  }
  tag.classList.add("on-promo");
  tag.append(el("s", "was", money(p.price)), " ", el("span", "now", money(p.promo_price)), el("span", "promo-name", p.promo));
  return tag;
}
/* A scale label scanned at the price check: its weight at the price per kg and what it costs, or its price. */
function labelTag(tag, p) {
  var label = p.label;
  var now = label.promo_price === null || label.promo_price === undefined ? label.price : label.promo_price;
  if (label.kind === "weight") {
    var weight = label.qty_text[state.lang] || label.qty_text.id;
    tag.append(el("span", "label-weight", t("label_weight", { weight: weight, price: money(p.price) })), " ");
  }
  if (now !== label.price) tag.append(el("s", "was", money(label.price)), " ");
  tag.append(el("span", "now label-price", money(now)));
  return tag;
}
function showProduct(p) {
  state.product = p;
  state.productQty = 1;
  renderProduct(p);
  show("product");
}
function renderProduct(p) {
  var card = $("product-card");
  card.textContent = "";
  var qty = el("output", "qty-value", String(state.productQty));
  function setQty(n) { state.productQty = Math.max(1, Math.min(99, n)); qty.textContent = String(state.productQty); }
  var stepper = el("div", "stepper");
  stepper.append(el("span", "qty-label", t("qty")), button("step", "\u2212", function () { setQty(state.productQty - 1); }),
                 qty, button("step", "+", function () { setQty(state.productQty + 1); }));
  var add = button("btn btn-primary btn-big needs-pairing", t("add_to_cart"), function () { addToCart(p, state.productQty); show("check"); });
  add.id = "product-add";
  var again = button("btn btn-secondary", t("check_another"), function () { show("check"); });
  var stock = el("p", p.in_stock ? "stock in" : "stock out", p.in_stock ? t("in_stock") : t("out_of_stock"));
  var name = el("h1", "product-name", p.name);
  var price = priceTag("product-price", p);
  price.id = "product-price";
  var actions = el("div", "actions");
  var where = el("section", "elsewhere");
  where.hidden = true;
  if (p.measure && p.measure !== "unit") {  // weighed or label-priced: rung at the till, not in a kiosk cart
    actions.append(again);
    card.append(name, el("p", "muted", p.barcode || p.sku), price, stock, el("p", "weigh-at-till", t("weigh_at_till")), where, actions);
  } else {
    actions.append(add, again);
    card.append(name, el("p", "muted", p.barcode || p.sku), price, stock, where, stepper, actions);
  }
  showElsewhere(where, p.sku);
}
/* Who else has it (other stores, the online shop; asked of central), under a heading that says what the numbers
   are. Nothing at all when nobody else has it or central cannot be asked: a shopper has no use for that news. */
function showElsewhere(box, sku) {
  api("GET", "/stock/" + encodeURIComponent(sku) + "/elsewhere").then(function (res) {
    if (!res.ok || !res.data.online || !(res.data.locations || []).length) return;
    var list = el("div", "elsewhere-box");
    renderElsewhere(list, res.data);
    box.append(el("h2", "elsewhere-title", t("elsewhere_title")), list);
    box.hidden = false;
  });
}

// ---- search ----------------------------------------------------------------------------------------
var searchTimer = null;
function onSearchText(text) {
  $("search-text").textContent = text;
  $("search-hint").hidden = text.trim().length >= 2;
  clearTimeout(searchTimer);
  if (text.trim().length < 2) { $("search-results").textContent = ""; return; }
  searchTimer = setTimeout(function () {
    api("GET", "/products?limit=12&q=" + encodeURIComponent(text.trim())).then(function (res) {
      if (text !== searchKb.value()) return; // an older answer arriving late
      var box = $("search-results");
      box.textContent = "";
      if (!res.ok) { box.appendChild(el("p", "message", problem(res))); return; }
      if (!res.data.items.length) box.appendChild(el("p", "muted", t("no_results", { q: text })));
      res.data.items.forEach(function (p) { box.appendChild(productTile(p)); });
    });
  }, 250);
}

// ---- online carts ----------------------------------------------------------------------------------
function openOnlineCart(code) {
  if (state.screen !== "online") go("online");
  $("online-text").textContent = code;
  api("POST", "/online-carts/open", { code: code }).then(function (res) {
    var box = $("online-message");
    box.classList.remove("message-info");
    if (res.ok && KioskOnline) { box.hidden = true; KioskOnline.show(res.data); return; }
    box.textContent = res.ok ? "" : KioskOnline.problem(res);
    box.hidden = res.ok;
  });
}

// ---- member points: a scanned member QR shows the masked name, balance and last 10 entries ----------
function showPoints(card) {
  if (state.screen !== "points") go("points");
  api("POST", "/points", { card: card }).then(function (res) {
    var error = (res.data && res.data.error) || {};
    var known = ["card_forged", "card_damaged", "card_expired", "other_shop", "unknown_member", "no_card_key"];
    state.points = res.ok ? res.data : error.scanned ? { error: true, scanned: error.scanned }
      : { error: known.indexOf(error.code) >= 0 ? t("points_" + error.code) : problem(res) };
    if (!res.ok && !recognised(error.scanned)) flashError();
    renderPoints();
  });
}
/* Not a member QR, but something the kiosk knows (a product, an online cart): no red flash, its step offered. */
function recognised(s) { return !!s && (s.kind === "product" || (s.kind === "online_cart" && !!s.code)); }
var SCANNED = { product: "scanned_product", unknown_barcode: "scanned_unknown_barcode", online_cart: "scanned_cart",
                till_ticket: "scanned_ticket", online_order: "scanned_order" };
/* What was scanned instead of a member QR, in the shopper's words, with the step that fits it and where the member
   QR is: a product's price, "open this cart", or only the reminder. */
function renderScanned(s) {
  var box = $("points-scanned");
  box.textContent = "";
  box.hidden = !s;
  if (!s) return;
  var key = s.other_shop ? "scanned_other_shop_cart" : SCANNED[s.kind] || "scanned_unknown";
  $("points-message").textContent = t(key, { code: s.code || "" });
  $("points-message").classList.toggle("message-info", recognised(s));
  if (s.kind === "product") {
    var look = button("btn btn-secondary", t("points_check_product"), function () { showProduct(s.product); });
    look.id = "points-product-open";
    box.append(el("p", "points-product-name", s.product.name), priceTag("p-price", s.product), look);
  } else if (s.kind === "online_cart" && s.code) {
    var open = button("btn btn-secondary", t("points_open_cart", { code: s.code }), function () {
      openOnlineCart(s.code);
    });
    open.id = "points-cart-open";
    box.append(open);
  }
  box.append(el("p", "points-where-qr", t("points_where_qr")));
}
function renderPoints() {
  var p = state.points;
  $("points-message").hidden = !(p && p.error);
  $("points-message").textContent = p && p.error && !p.scanned ? p.error : "";
  $("points-message").classList.remove("message-info");
  renderScanned(p && p.scanned);
  $("points-result").hidden = !(p && !p.error);
  $("points-hint").hidden = !!(p && !p.error);
  $("signup-open").hidden = !!(p && !p.error); // a member is on screen: signing up is not their next step
  if (!p || p.error) return;
  $("points-name").textContent = p.name + " \u00b7 " + p.number;
  $("points-balance").textContent = groupThousands(p.balance) + " " + t("points_unit");
  $("points-asof").textContent = p.blocked ? t("points_blocked") : (p.online ? "" : t("points_asof", { when: when(p.as_of, true) }));
  var body = $("points-entries").querySelector("tbody");
  body.textContent = "";
  if (!p.recent.length) { var none = el("tr"); none.appendChild(el("td", "muted", t("points_none"))); body.appendChild(none); }
  p.recent.forEach(function (e) {
    var row = el("tr");
    var signed = (e.points > 0 ? "+" : e.points < 0 ? "\u2212" : "") + groupThousands(Math.abs(e.points)); // +2.500, \u22121.000
    row.append(el("td", "", when(e.at)), el("td", "", t("kind_" + e.kind)), el("td", "", e.store || t("where_" + e.where)),
               el("td", "num " + (e.points > 0 ? "plus" : "minus"), signed));
    body.appendChild(row);
  });
}

// ---- scanning --------------------------------------------------------------------------------------
function handleScan(raw) {
  var code = String(raw).trim();
  if (!code) return;
  // On the points step every scan is asked about as a member QR: the store says what anything else is.
  if (MEMBER_QR.test(code) || state.screen === "points") { showPoints(code); return; }
  // Any other step asks the store what the scan is (the same answer the points step gets): a product shows its
  // price, an online cart opens, anything else is named where the shopper is, whatever screen or cart that is.
  api("POST", "/scan", { code: code.slice(0, 500) }).then(function (res) {
    var s = res.ok ? res.data : null;
    if (!s) { flashError(); toast(problem(res), "error"); return; }
    if (s.kind === "member") showPoints(code);
    else if (s.kind === "product") showProduct(s.product);
    else if (s.kind === "online_cart" && s.code) openOnlineCart(s.code);
    else sayScanned(s);
  });
}
var SAID = { till_ticket: "is_till_ticket", online_order: "scan_order", unknown_barcode: "unknown_barcode" };
/* A scan that is neither a product nor a cart (a till ticket, an online order's pick-up QR, another shop's cart, a
   barcode not sold here, a web address or words): what it is and what to do, on the online step in its message box,
   elsewhere as a toast. A till ticket or an order is the shopper's own and fine: no red flash for those. */
function sayScanned(s) {
  var key = s.other_shop ? "oc_other_shop" : SAID[s.kind] || "scan_unknown";
  var theirs = s.kind === "till_ticket" || s.kind === "online_order";
  var said = t(key, { code: s.code || "" });
  if (!theirs) flashError();
  if (state.screen !== "online") { toast(said, theirs ? "ok" : "error"); return; }
  var box = $("online-message");
  box.textContent = said;
  box.classList.toggle("message-info", theirs);
  box.hidden = false;
}
function openCamera(purpose) {
  state.camera = purpose;
  $("camera").hidden = false;
  $("camera-status").textContent = t("camera_starting");
  $("camera-view").hidden = false;
  KioskScan.startCamera("camera-view", function (text) {
    closeCamera();
    if (purpose === "points") showPoints(text.trim());
    else handleScan(text); // the store says what it is: a cart opens, anything else is named on the step
  }, function () {
    // No camera (or no permission): say so; the wedge scanner under the screen still works.
    $("camera-status").textContent = t("no_camera");
    $("camera-view").hidden = true;
  });
}
function closeCamera() {
  state.camera = null;
  $("camera").hidden = true;
  KioskScan.stopCamera();
}

// ---- start -----------------------------------------------------------------------------------------
var searchKb = KioskKeyboard.build($("search-keyboard"), { onChange: onSearchText, maxLength: 40 });
var onlineKb = KioskKeyboard.build($("online-keyboard"), { onChange: function (text) {
  $("online-text").textContent = text;
  $("online-message").hidden = true;
}, maxLength: 24, spaceKey: false });

function reset() {
  state.cart = [];
  state.quoted = null;
  state.ticket = null;
  KioskOnline.drop();
  state.lang = S.defaultLang;
  searchKb.clear();
  onlineKb.clear();
  $("toast").hidden = true;
  show("welcome");
  applyTexts();
}

document.addEventListener("click", function (e) {
  var target = e.target.closest("[data-go],[data-lang],[data-camera]");
  if (!target) return;
  if (target.dataset.lang) { state.lang = target.dataset.lang; applyTexts(); return; }
  if (target.dataset.camera) { openCamera(target.dataset.camera); return; }
  if (target.dataset.reset) { reset(); return; }
  go(target.dataset.go);
});
$("camera-close").addEventListener("click", closeCamera);
$("category-more").addEventListener("click", function () { openCategory(state.category.info, true); });
$("online-open").addEventListener("click", function () {
  var code = $("online-text").textContent.trim(); // typed on the keys, or scanned (tried again after "busy")
  if (code) openOnlineCart(code);
});

// The cart, online-cart and sign-up modules reach the screens through the shared Kiosk object (core.js); a
// script outside the modules (the device pairing) finds it as window.Kiosk.
Object.assign(Kiosk, { show: show, reset: reset, points: function (data) { state.points = data; renderPoints(); } });
window.Kiosk = Kiosk;
KioskScan.listenWedge(handleScan);
KioskIdle.start({
  idleSeconds: S.idleSeconds, countdownSeconds: S.countdownSeconds, overlay: $("idle"), countEl: $("idle-count"),
  unitEl: $("idle-unit"), stayButton: $("idle-stay"), onReset: reset,
  hasSomethingToClear: function () {
    return state.screen !== "welcome" || state.cart.length > 0 || state.lang !== S.defaultLang || !!state.camera;
  },
});
api("GET", "/categories").then(function (res) {
  if (res.ok) { state.categories = res.data.items; renderCategories(); }
});
applyTexts();

function addToCart(p, qty) { KioskCart.add(p, qty); }
function renderCart() { KioskCart.render(); }
function renderBadge() { KioskCart.badge(); }
document.body.classList.add("ready");
