/* The kiosk as a paired device (issue 15): it keeps the device token a manager's pairing code bought, sends it
   on every kiosk API call (X-Kiosk-Device), and asks for a code when it has none or the store refused it.
   Unpaired, the kiosk still checks prices; printing tickets, sending carts and points need the pairing.
   Loaded before the other kiosk scripts; it only wraps window.fetch and adds its own overlay and banner. */
(function () {
  "use strict";
  var KEY = "omnitoko.kioskDevice";
  var HEADER = "X-Kiosk-Device";
  var API = "/api/v1/kiosk";
  // Its words are the "device_" keys of the kiosk catalog (static/i18n/kiosk.json), embedded in the page.
  var TEXTS = JSON.parse(document.getElementById("kiosk-texts").textContent);
  var realFetch = window.fetch.bind(window);

  function t(key) {
    var lang = document.documentElement.lang === "en" ? "en" : "id";
    return (TEXTS[lang] || TEXTS.id)["device_" + key] || TEXTS.id["device_" + key];
  }
  function token() {
    try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }
  function remember(value) {
    try {
      if (value) window.localStorage.setItem(KEY, value); else window.localStorage.removeItem(KEY);
    } catch (e) { /* private mode: the pairing lasts this page */ }
    memo = value;
  }
  var memo = token();

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  // ---- the overlay that asks for a code, and the banner of an unpaired kiosk -------------------------
  var ui = null;
  function build() {
    if (ui) return ui;
    var overlay = el("div", { id: "pairing", "class": "overlay", hidden: "" });
    var dialog = el("form", { "class": "dialog", id: "pairing-form", autocomplete: "off" });
    var title = el("h2", { id: "pairing-title" });
    var explain = el("p", { "class": "lead", id: "pairing-explain" });
    var label = el("label", { "for": "pairing-code", "class": "field-label" });
    var input = el("input", {
      id: "pairing-code", name: "code", maxlength: "20", autocapitalize: "characters", spellcheck: "false",
      style: "font-size:2rem;letter-spacing:.15em;text-align:center;width:100%;min-height:64px;margin:.8rem 0;" +
        "border:2px solid var(--line);border-radius:12px;text-transform:uppercase",
    });
    var message = el("p", { id: "pairing-message", role: "alert", "class": "message", hidden: "" });
    var pairBtn = el("button", { type: "submit", id: "pairing-submit", "class": "btn btn-primary wide" });
    var later = el("button", { type: "button", id: "pairing-later", "class": "btn btn-secondary wide" });
    [title, explain, label, input, message, pairBtn, later].forEach(function (c) { dialog.appendChild(c); });
    overlay.appendChild(dialog);
    var banner = el("div", {
      id: "pairing-banner", role: "status", hidden: "",
      style: "position:fixed;left:0;right:0;bottom:0;z-index:20;display:flex;gap:1rem;align-items:center;" +
        "justify-content:center;padding:.6rem 1rem;background:var(--amber-soft);color:var(--amber);font-weight:700",
    });
    var bannerText = el("span", { id: "pairing-banner-text" });
    var bannerBtn = el("button", { type: "button", id: "pairing-open", "class": "btn btn-secondary" });
    banner.appendChild(bannerText);
    banner.appendChild(bannerBtn);
    var notice = el("div", { id: "kiosk-notice", "class": "toast toast-error", role: "alert", hidden: "" });
    document.body.appendChild(overlay);
    document.body.appendChild(banner);
    document.body.appendChild(notice);
    // The page's wedge scanner listens on the document: typing a code here is not a scan.
    input.addEventListener("keydown", function (e) { e.stopPropagation(); });
    dialog.addEventListener("submit", function (e) { e.preventDefault(); pair(input.value); });
    later.addEventListener("click", function () { overlay.hidden = true; });
    bannerBtn.addEventListener("click", function () { ask(""); });
    ui = {
      overlay: overlay, title: title, explain: explain, label: label, input: input, message: message,
      pairBtn: pairBtn, later: later, banner: banner, bannerText: bannerText, bannerBtn: bannerBtn, notice: notice,
    };
    return ui;
  }
  function retext() {
    var u = build();
    u.title.textContent = t("title");
    u.explain.textContent = t("explain");
    u.label.textContent = t("code");
    u.pairBtn.textContent = t("pair");
    u.later.textContent = t("later");
    u.bannerText.textContent = t("banner");
    u.bannerBtn.textContent = t("banner_btn");
  }
  function setPaired(yes) {
    var u = build();
    document.body.dataset.kioskPaired = yes ? "yes" : "no";
    u.banner.hidden = yes;
    if (yes) u.overlay.hidden = true;
  }
  function ask(why) {
    var u = build();
    retext();
    u.message.hidden = !why;
    u.message.textContent = why || "";
    u.overlay.hidden = false;
    u.input.value = "";
    u.input.focus();
  }
  var noticeTimer = null;
  function notify(text) {
    var u = build();
    u.notice.textContent = text;
    u.notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { u.notice.hidden = true; }, 4000);
  }
  // Like the page's toasts, the notice goes at the shopper's next touch or scan.
  ["pointerdown", "keydown"].forEach(function (ev) {
    document.addEventListener(ev, function () { if (ui) ui.notice.hidden = true; }, true);
  });

  function deviceName() {
    try {
      return (JSON.parse(document.getElementById("kiosk-settings").textContent).device || "kiosk").slice(0, 32);
    } catch (e) { return "kiosk"; }
  }
  function pair(code) {
    var u = build();
    code = (code || "").trim();
    if (!code) { u.input.focus(); return Promise.resolve(false); }
    u.pairBtn.disabled = true;
    return realFetch(API + "/pair", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ code: code, name: deviceName() }),
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        u.pairBtn.disabled = false;
        if (r.ok && data.token) {
          remember(data.token);
          setPaired(true);
          notify(t("paired"));
          u.notice.className = "toast toast-ok";
          return true;
        }
        var err = data.error || {};
        ask(r.status === 429 || r.status === 423 ? err.message || t("busy") : t("wrong"));
        setPaired(false);
        return false;
      });
    }, function () {
      u.pairBtn.disabled = false;
      ask(t("offline"));
      return false;
    });
  }

  // ---- every kiosk API call carries the token; a refusal of the device asks for a code again ----------
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    if (url.indexOf(API + "/") !== 0 || url === API + "/pair" || !memo) return watch(realFetch(input, init));
    init = init || {};
    var headers = new Headers(init.headers || {});
    headers.set(HEADER, memo);
    return watch(realFetch(input, Object.assign({}, init, { headers: headers })));
  };
  function watch(promise) {
    return promise.then(function (r) {
      if (r.status === 401 || r.status === 403 || r.status === 429) {
        r.clone().json().then(function (data) {
          var err = (data && data.error) || {};
          if (err.code === "kiosk_not_paired" || err.code === "kiosk_revoked") {
            remember("");
            setPaired(false);
            ask(err.message);
          } else if (err.code === "kiosk_rate_limited") {
            build().notice.className = "toast toast-error";
            notify(err.message);
          }
        }, function () {});
      }
      return r;
    });
  }

  function start() {
    retext();
    var wanted = new URLSearchParams(window.location.search).get("pair");
    if (wanted) {
      // A pairing link (the demo prints one): use it once, and take it off the address bar.
      var params = new URLSearchParams(window.location.search);
      params.delete("pair");
      var rest = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
    }
    if (wanted && !memo) {
      pair(wanted);
      return;
    }
    if (!memo) {
      setPaired(false);
      ask("");
      return;
    }
    // Still paired? (A manager may have revoked it meanwhile; the watcher asks for a code if so.)
    window.fetch(API + "/device", { headers: { "Accept": "application/json" } }).then(function (r) {
      if (r.ok) setPaired(true);
      else if (r.status !== 401 && r.status !== 403) setPaired(true); // the server is down: keep the token
    }, function () { setPaired(true); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.KioskDevice = { pair: pair, token: function () { return memo; } };
})();
