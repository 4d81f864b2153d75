// Members at the till (F3): scan the member QR or type a phone number to attach the member to the sale, use
// points as a payment, and see the points the sale earned and the new balance when it completes.
// A module beside till.js: it keeps to the till's token and its own socket, and hands a changed sale
// to the till through the cancelable "omnitoko:sale" event (as kiosk-carts.js does).
import { el, groupThousands, inOrder, money, saleKey, t as tt, tillCall, tillToken } from "./common.js";
import { signUpPanel } from "./member_signup.js";
import { MEMBER_QR as CARD } from "../shared/kit.js";

var KEY = saleKey("F3");
var S = { saleId: null, member: null, done: null, busy: false, panel: null, chip: null, socket: null, till: null };

// Its words are the "member." keys of the till's catalog (static/i18n/pos.json).
function t(key, vars) { return tt("member." + key, vars); }
var num = groupThousands;
var token = tillToken;
var call = tillCall;
function errorOf(res) { return (res.status && ((res.data && res.data.error) || {}).message) || t("network"); }

// ---- the two boxes: the panel (F3) and the member chip (their styles: static/pos/pos.css) ----------
function ensureUi() {
  if (S.chip) return;
  S.chip = el("div");
  S.chip.id = "member-chip";
  S.chip.hidden = true;
  S.chip.setAttribute("aria-live", "polite");
  document.body.appendChild(S.chip);
}

// A box of the card in the till's words, marked so that the language key re-words it in place (applyTexts).
function said(tag, cls, key, vars) {
  var e = el(tag, cls, t(key, vars));
  e.dataset.i18n = "member." + key;
  if (vars) e.dataset.i18nVars = JSON.stringify(vars);
  return e;
}

function renderChip() {
  ensureUi();
  var c = S.chip;
  c.textContent = "";
  var m = S.member;
  if (!m) { c.hidden = true; return; }
  c.hidden = false;
  var who = el("div", "mc-line");
  who.append(said("span", "", "member"), " " + m.number);
  c.append(who, el("b", "mc-name", m.name));
  if (S.done) {
    c.append(said("div", "mc-earned", "earned", { n: S.done.earned }),
             said("div", "mc-balance", "balance", { n: num(S.done.balance) }));
  } else {
    // Points this sale already uses are spent, as the balance the shopper will see: shown as what is left.
    var used = m.used_points || 0;
    c.append(used ? said("div", "mc-line mc-points", "pointsLeft", { n: num(Math.max(0, m.balance - used)), used: num(used) })
                  : said("div", "mc-line mc-points", "points", { n: num(m.balance) }),
             said("div", "mc-line mc-expected", "expected", { n: m.expected_points || 0 }));
    if (m.blocked) c.append(said("div", "mc-line", "blocked"));
  }
}

// ---- the panel --------------------------------------------------------------------------------
function onSaleScreen() {
  var sale = document.getElementById("screen-sale");
  var modal = document.getElementById("modal");
  return !!sale && !sale.hidden && (!modal || modal.hidden);
}
function closePanel() {
  if (S.panel) { S.panel.remove(); S.panel = null; }
  var scan = document.getElementById("scan");
  if (scan) scan.focus();
}
function openPanel() {
  ensureUi();
  closePanel();
  var wrap = el("div");
  wrap.id = "member-panel";
  var box = el("div", "mp");
  box.setAttribute("role", "dialog");
  var msg = el("div", "mp-msg");
  msg.id = "member-msg";
  var input = el("input");
  input.id = "member-input";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.maxLength = 300;
  box.append(el("h2", "", t("title")));
  if (S.member && !S.done && S.member.can_redeem) {
    box.append(el("div", "mp-who", S.member.name + " · " + t("points", { n: num(S.member.balance) })),
               el("p", "mp-hint", t("use")));
    input.inputMode = "numeric";
    input.dataset.mode = "points";
  } else if (S.member && !S.done) {
    // Found by phone: points need the member's own QR, and scanning it here attaches the member by QR.
    box.append(el("div", "mp-who", S.member.name + " · " + t("points", { n: num(S.member.balance) })),
               el("p", "mp-hint", t("qrForPoints")));
    input.placeholder = t("field");
    input.dataset.mode = "member";
  } else {
    box.append(el("p", "mp-hint", t("hint")));
    input.placeholder = t("field");
    input.dataset.mode = "member";
  }
  box.append(input, msg, el("p", "mp-hint", t("close") + (S.member && !S.done ? " · " + t("remove") : "")));
  wrap.append(box);
  document.body.appendChild(wrap);
  S.panel = wrap;
  input.focus();
}
function say(text, isError) {
  var m = document.getElementById("member-msg");
  if (!m) return;
  m.textContent = text;
  m.className = "mp-msg" + (isError ? " err" : "");
}

function currentSale() {
  return call("POST", "/sales").then(function (res) {
    if (!res.ok) throw new Error(errorOf(res));
    return res.data;
  });
}
function handOver(view) {
  document.dispatchEvent(new CustomEvent("omnitoko:sale", { detail: view, cancelable: true }));
}
// What was done, in the till's message line (its words re-word themselves when the till switches language).
function tell(key, vars) {
  document.dispatchEvent(new CustomEvent("omnitoko:message", { detail: { parts: [["member." + key, vars]], kind: "ok" } }));
}

function attach(text) {
  var body = CARD.test(text) ? { card: text } : { phone: text };
  S.busy = true;
  say(t("attaching"), false);
  // Each change to the sale waits in the till's one queue (common.js), behind a scan still on its way.
  inOrder(function () {
    return currentSale().then(function (sale) { return call("POST", "/sales/" + sale.id + "/member", body); });
  }).then(function (res) {
    var code = ((res.data && res.data.error) || {}).code;
    if (!res.ok && body.phone && code === "unknown_member") { signUpFlow.offer(body.phone); return; }
    if (!res.ok) { say(errorOf(res), true); return; }
    S.saleId = res.data.sale.id;
    S.member = res.data.member;
    S.done = null;
    renderChip();
    closePanel();
    tell("attached", { name: S.member.name });
  }).catch(function (err) { say(err.message, true); }).then(function () { S.busy = false; });
}

// ---- sign-up (member_signup.js): a typed phone number with no member -> the name, central, attach ----
var signUpFlow = signUpPanel({
  say: say, attach: function (phone) { attach(phone); }, errorOf: errorOf, busy: function (on) { S.busy = on; },
});

// A member found by phone gave their one-time code: ask how many points, as after their QR, the code kept for it.
function askPoints(code) {
  var input = document.getElementById("member-input");
  if (!input) return;
  input.value = "";
  input.dataset.mode = "points";
  input.dataset.code = code;
  input.inputMode = "numeric";
  input.placeholder = "";
  var hint = S.panel && S.panel.querySelector(".mp-who + .mp-hint");
  if (hint) hint.textContent = t("use");
  say("", false);
  input.focus();
}

function redeem(text, code) {
  var body = text ? { points: Number(text) } : {};
  if (code) body.code = code; // a member found by phone: their one-time code (central checks and uses it)
  if (text && !/^\d{1,7}$/.test(text)) { say(t("use"), true); return; }
  S.busy = true;
  say(t("using"), false);
  inOrder(function () { return call("POST", "/sales/" + S.saleId + "/points", body); }).then(function (res) {
    if (!res.ok) { say(errorOf(res), true); return null; }
    S.member = Object.assign({}, S.member, res.data.member || {});
    handOver(res.data.sale);
    changed(res.data.sale); // the card shows what is left at once, not only when the till's room says so
    closePanel();
    var used = res.data.redeemed;
    if (used) tell("used", { n: num(used.points), amount: money(used.value) });
    // Points paid it all: the till finishes the sale as after its last payment (paid panel, receipt, change).
    if (res.data.sale.remaining === 0) document.dispatchEvent(new CustomEvent("omnitoko:complete"));
    return null;
  }).then(function () { S.busy = false; }, function () { S.busy = false; });
}

function detach() {
  if (!S.saleId) return;
  inOrder(function () { return call("DELETE", "/sales/" + S.saleId + "/member"); }).then(function (res) {
    if (!res.ok) { say(errorOf(res), true); return; }
    S.member = null;
    S.done = null;
    renderChip();
    closePanel();
  });
}

// ---- live: the sale changing and completing (the till's room over Socket.IO) ------------------
function completed(view) {
  if (!view || view.id !== S.saleId || !view.loyalty) return;
  S.done = { earned: view.loyalty.earned, balance: view.loyalty.balance };
  renderChip();
}
function changed(view) {
  if (!view) return;
  if (view.id !== S.saleId) {
    // The points earned stay in view until the next shopper's first item, not just the next empty sale.
    if (S.done) {
      if (view.state === "open" && (view.lines || []).length) { S.member = null; S.done = null; S.saleId = null; renderChip(); }
      return;
    }
    // Another open sale on this till (the next shopper's after a void or a park, or a parked sale resumed): the
    // card shows that sale's own member, or none, never the one of the sale before.
    if (view.state === "open") follow(view.id);
    return;
  }
  if (view.state === "voided" || view.state === "parked") { S.member = null; renderChip(); return; }
  if (!S.member) return;
  if (view.state !== "open" || S.done) return;
  var pointsPaid = (view.tenders || []).reduce(function (n, x) { return n + (x.type === "points" ? x.amount : 0); }, 0);
  S.member.expected_points = Math.floor(Math.max(0, view.total - pointsPaid) / (S.member.earn_per_amount || 10000));
  S.member.used_points = Math.floor(pointsPaid / (S.member.point_value || 1));
  renderChip();
}
function follow(saleId) {
  S.saleId = saleId;
  S.member = null;
  renderChip();
  call("GET", "/sales/" + saleId + "/member").then(function (res) {
    // Only adds: a member attached (F3) while this was on its way is the one on the sale.
    if (!res.ok || S.saleId !== saleId || S.member || !res.data.member) return;
    S.member = res.data.member;
    renderChip();
  });
}
function connect() {
  if (S.socket || typeof window.io !== "function" || !token()) return;
  call("GET", "/session").then(function (res) {
    if (!res.ok || S.socket) return;
    S.till = res.data.staff.till_id;
    S.socket = window.io({ reconnectionDelayMax: 5000 });
    S.socket.on("connect", function () { S.socket.emit("join", { till: S.till }); });
    S.socket.on("sale", changed);
    S.socket.on("sale_completed", completed);
  });
}

document.addEventListener("omnitoko:completed", function (e) { completed(e.detail); });

window.addEventListener("keydown", function (e) {
  if (S.panel) {
    if (e.key === "Escape" || e.key === KEY) { e.preventDefault(); e.stopImmediatePropagation(); closePanel(); return; }
    if (e.key === "Delete" && S.member && !S.done) { e.preventDefault(); e.stopImmediatePropagation(); detach(); return; }
    if (e.key === "Enter") {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (S.busy) return;
      var input = document.getElementById("member-input");
      var text = input.value.trim();
      var button = document.getElementById("member-signup");
      if (input.dataset.mode === "points") redeem(text, input.dataset.code);
      else if (document.activeElement === button) signUpFlow.askName(input.value.trim());
      else if (input.dataset.mode === "signup") { if (text) signUpFlow.signUp(text, input.dataset.phone); }
      else if (S.member && !S.done && /^\d{3}[ -]?\d{3}$/.test(text)) askPoints(text);
      else if (text) attach(text);
      return;
    }
    e.stopImmediatePropagation(); // typing in the panel is not the till's business
    return;
  }
  if (e.key !== KEY || !onSaleScreen()) return;
  e.preventDefault();
  e.stopImmediatePropagation();
  startPanel();
}, true);
function startPanel() {
  if (!token()) return;
  connect();
  if (S.done) { S.member = null; S.done = null; renderChip(); }
  openPanel();
}
// The key bar's F3 button (a touch screen) does what the key does.
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-action=member]") && onSaleScreen()) startPanel();
});

// A member QR scanned straight into the scan field attaches the member (no need to press F3 first).
window.addEventListener("keydown", function (e) {
  var field = document.activeElement;
  if (e.key !== "Enter" || S.panel || !onSaleScreen() || !field || field.id !== "scan") return;
  var text = field.value.trim();
  if (!CARD.test(text)) return;
  e.preventDefault();
  e.stopImmediatePropagation();
  field.value = "";
  connect();
  openPanel();
  attach(text);
}, true);

function start() {
  ensureUi();
  var seen = token();
  setInterval(function () {
    if (token() !== seen) {
      // Only a sign-out (or a switch of cashier) drops the member; a first sign-in keeps what the
      // cashier may already have attached in the second before this check ran.
      var wasSignedIn = !!seen;
      seen = token();
      if (wasSignedIn) {
        if (S.socket) { S.socket.disconnect(); S.socket = null; }
        S.member = null; S.done = null; S.saleId = null; renderChip();
      }
      connect();
    }
  }, 1000);
  connect();
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
