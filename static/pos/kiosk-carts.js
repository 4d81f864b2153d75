// Kiosk carts at the till: "Kiosk cart K-12 ready" live over Socket.IO; F10 (or the button, or scanning the
// ticket's QR / typing K-12 in the scan field) loads it into the current sale, once.
// A plain script beside till.js: it keeps to the till's token and its own socket, and hands the loaded sale to
// the till through a cancelable "omnitoko:sale" event; if nothing handles that event it reloads the page,
// which brings the till back on the same open sale through the existing API.
(function () {
  "use strict";
  var KEY = "F10";
  var TOKEN_KEY = "omnitoko.token";
  var NOTE_KEY = "omnitoko.kioskNote";
  var TICKET = /^(K1\.[0-9a-f-]{36}\.[0-9a-f]{20}|K-?\d{1,5})$/i;
  // An online cart's QR (OC1.<shop>.<code>) or its code as shown, with the dash (K7Q-42P): claimed at central.
  var ONLINE = /^(OC1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9-]{6,8}|[A-HJKMNP-Z][2-9A-HJKMNP-Z]{2}-[2-9A-HJKMNP-Z]{3})$/i;
  var TEXTS = {
    id: {
      ready: "Keranjang kiosk {code} siap", items: "{n} barang", open: "Buka", opening: "Membuka {code}…",
      opened: "Keranjang kiosk {code} dibuka: {n} barang.", changed: "Harga berubah sejak di kiosk: {list}.",
      missing: "Tidak dijual lagi, tidak dimasukkan: {list}.",
      ticket_taken: "Keranjang kiosk {ticket} sudah dibuka di kasir {till}.",
      unknown_ticket: "Kode keranjang kiosk tidak ditemukan. Minta pelanggan menunjukkan kode di layar kiosk.",
      expired_ticket: "Keranjang kiosk {ticket} sudah kedaluwarsa: pindai barangnya satu per satu.",
      tenders_taken: "Pembayaran sudah diterima di transaksi ini: selesaikan dulu, lalu buka keranjang kiosk.",
      no_open_shift: "Shift belum dibuka. Buka shift dulu.",
      signin: "Masuk dulu untuk membuka keranjang kiosk.",
      network: "Server toko tidak menjawab. Coba lagi.",
      opened_online: "Keranjang online {code} dibuka: {n} barang.", not_confirmed: "BELUM DIKONFIRMASI (toko offline).",
      short: "Stok kurang: {list}.",
      unknown_cart: "Kode keranjang online tidak ditemukan.", cart_expired: "Keranjang online {cart_code} sudah kedaluwarsa.",
      cart_checked_out: "Keranjang online {cart_code} sudah dibayar.",
      cart_claimed: "Keranjang online {cart_code} sedang dibayar di {store} {device}.",
      other_shop_cart: "Keranjang ini dari toko lain ({shop}).",
      one_online_cart: "Transaksi ini sudah berisi keranjang online lain: selesaikan dulu.",
    },
    en: {
      ready: "Kiosk cart {code} ready", items: "{n} items", open: "Open", opening: "Opening {code}…",
      opened: "Kiosk cart {code} opened: {n} items.", changed: "Prices changed since the kiosk: {list}.",
      missing: "No longer sold, left out: {list}.",
      ticket_taken: "Kiosk cart {ticket} was already opened at till {till}.",
      unknown_ticket: "Kiosk cart code not found. Ask the shopper to show the code on the kiosk screen.",
      expired_ticket: "Kiosk cart {ticket} has expired: scan the items one by one.",
      tenders_taken: "Payment has started on this sale: finish it first, then open the kiosk cart.",
      no_open_shift: "No open shift. Open the shift first.",
      signin: "Sign in first to open a kiosk cart.",
      network: "The store server does not answer. Try again.",
      opened_online: "Online cart {code} opened: {n} items.", not_confirmed: "NOT CONFIRMED (store offline).",
      short: "Short on stock: {list}.",
      unknown_cart: "Online cart code not found.", cart_expired: "Online cart {cart_code} has expired.",
      cart_checked_out: "Online cart {cart_code} was already paid.",
      cart_claimed: "Online cart {cart_code} is being paid at {store} {device}.",
      other_shop_cart: "This cart is from another shop ({shop}).",
      one_online_cart: "This sale already holds another online cart: finish it first.",
    },
  };
  var waiting = [];   // [{code, items, total}] oldest first
  var busy = false;
  var box = null;

  function lang() { return (document.documentElement.lang || "id").slice(0, 2) === "en" ? "en" : "id"; }
  function t(key, vars) {
    var s = TEXTS[lang()][key] || TEXTS.id[key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); });
    return s;
  }
  function money(n) {
    var boot = {};
    try { boot = JSON.parse(document.getElementById("boot").textContent); } catch (e) { /* no boot block */ }
    var c = boot.currency || { symbol: "Rp", thousands: "." };
    return c.symbol + " " + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, c.thousands);
  }
  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function call(method, path, body) {
    var headers = { Accept: "application/json", Authorization: "Bearer " + token() };
    if (body) headers["Content-Type"] = "application/json";
    return window.omnitokoFetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, data: data }; });
      }, function () { return { ok: false, data: { error: { code: "network" } } }; });
  }

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
    call("POST", path || "/kiosk-carts/take", { code: code }).then(function (res) {
      busy = false;
      if (!res.ok) {
        var err = (res.data && res.data.error) || {};
        note(TEXTS.id[err.code] ? t(err.code, err) : (err.message || t("network")), true);
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

  function onSaleScreen() {
    var sale = document.getElementById("screen-sale");
    var modal = document.getElementById("modal");
    return !!sale && !sale.hidden && (!modal || modal.hidden);
  }

  // Before the till's own keys: the open key, and a ticket scanned or typed into the scan field.
  window.addEventListener("keydown", function (e) {
    if (!onSaleScreen()) return;
    if (e.key === KEY && waiting.length) {
      e.preventDefault();
      e.stopImmediatePropagation();
      take(waiting[0].code);
      return;
    }
    var field = document.activeElement;
    if (e.key !== "Enter" || !field || field.id !== "scan") return;
    var typed = field.value.trim();
    var online = !TICKET.test(typed) && ONLINE.test(typed);
    if (!online && !TICKET.test(typed)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    field.value = "";
    take(typed, online ? "/online-carts/take" : null);
  }, true);

  function start() {
    var left = sessionStorage.getItem(NOTE_KEY);
    if (left) { sessionStorage.removeItem(NOTE_KEY); note(left, false); }
    if (typeof window.io === "function") {
      var socket = window.io({ reconnectionDelayMax: 5000 });
      socket.on("connect", refresh);
      socket.on("kiosk_cart_ready", ready);
      socket.on("kiosk_cart_taken", gone);
    }
    // The till signs in after this script starts: pick the waiting list up when a token appears or changes.
    var seen = token();
    setInterval(function () {
      if (token() !== seen) { seen = token(); refresh(); }
    }, 1000);
    refresh();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.OmnitokoKioskCarts = { take: take, refresh: refresh, waiting: function () { return waiting.slice(); } };
})();
