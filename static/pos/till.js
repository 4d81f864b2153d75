// The till: sign in, open the shift, then one sale screen driven by the keyboard and a scanner.
// The scan field keeps focus; every request goes through one queue so fast scans stay in order.
import {
  $, ApiError, api, applyTexts, boot, dateTime, errorText, inOrder, otherLang, saleKey, setLang, t,
} from "./common.js";
import * as D from "./till_dialogs.js";
import { pay } from "./till_pay.js";
import { checkStock, hideElsewhere, redrawElsewhere, showElsewhere } from "./till_elsewhere.js";
import { TOKEN_KEY, chosenTill, clearBadges, connectSocket, wireForms, wireTillChoice } from "./till_session.js";
import * as shift from "./till_shift.js";
import { RECEIPT_LINK, transactions, unlock } from "./till_transactions.js";
import { message, render as renderSale, showPaid } from "./till_view.js";
import { weigh } from "./till_weight.js";

const S = {
  token: sessionStorage.getItem(TOKEN_KEY),
  tillId: chosenTill(boot.store),
  staff: null,
  screen: null,
  sale: null,        // the sale on screen (open, or the one just completed)
  selected: null,    // selected line id
  pendingQty: null,  // from "3*" typed before a scan
  socket: null,
  stack: [],         // open dialogs, top last
};

// ---- one request at a time, in order (common.js: the kiosk carts' F10 waits in the same queue) --
const run = inOrder;

async function call(method, path, body) {
  try {
    return await api(method, path, body, S.token);
  } catch (err) {
    if (err instanceof ApiError && err.code === "unauthenticated" && S.screen !== "signin") {
      signedOut(errorText(err));
    }
    throw err;
  }
}

function fail(err) {
  message(errorText(err), "error");
}

// ---- screens -------------------------------------------------------------------------------
function showScreen(name) {
  S.screen = name;
  for (const id of ["signin", "float", "sale"]) $(`screen-${id}`).hidden = id !== name;
  const first = { signin: "signin-code", float: "float-amount", sale: "scan" }[name];
  $(first).focus();
}

function labels() {
  $("till-label").textContent = t("till.label", { till: S.staff ? S.staff.till_id : S.tillId });
  $("cashier-label").textContent = S.staff ? `· ${t("sale.cashier", { name: S.staff.name })}` : "";
}

function signedOut(text) {
  S.token = null;
  S.staff = null;
  S.sale = null;
  sessionStorage.removeItem(TOKEN_KEY);
  closeAll();
  if (S.socket) { S.socket.disconnect(); S.socket = null; }
  clearBadges(S);
  labels();
  $("signin-form").reset();
  $("signin-msg").textContent = text || "";
  showScreen("signin");
}

async function afterSignIn() {
  labels();
  connectSocket(S);
  try {
    await call("GET", "/shifts/current");
  } catch (err) {
    if (err.code === "no_open_shift") { showScreen("float"); return; }
    throw err;
  }
  showScreen("sale");
  await startSale();
}

// A sale the store just started (or handed back): the last customer's change and the stock lookup leave the screen.
async function started(request) {
  const view = await request;
  $("paid-panel").hidden = true;
  hideElsewhere();
  return view;
}

async function startSale() {
  const view = await started(call("POST", "/sales"));
  setSale(view, { select: "last" });
  return view;
}

// An item into the sale on screen; with none open (the next customer's first item) the item starts the sale in
// the same request: one round trip, one transaction at the store.
function postLine(item) {
  if (S.sale && S.sale.state === "open") return call("POST", `/sales/${S.sale.id}/lines`, item);
  return started(call("POST", "/sales/lines", item));
}

// ---- the sale on screen --------------------------------------------------------------------
function render() { renderSale(S); }

function setSale(view, { select, fresh } = {}) {
  S.sale = view;
  S.fresh = Boolean(fresh);
  const ids = view.lines.map((l) => l.id);
  if (select === "last" || !ids.includes(S.selected)) S.selected = ids.length ? ids[ids.length - 1] : null;
  else if (select) S.selected = select;
  render();
}

// ---- actions the dialogs share -------------------------------------------------------------
function selectedLine() {
  return S.sale ? S.sale.lines.find((l) => l.id === S.selected) || null : null;
}

function addItem(item, qty) {
  return run(async () => {
    try {
      const view = await postLine({ ...item, qty });
      setSale(view, { select: "last", fresh: true });
      message("");
      const line = view.lines.find((l) => (item.sku ? l.sku === item.sku : l.barcode === item.barcode));
      if (line) checkStock(app, line).catch(() => {}); // out of stock here: who else has it (beside the sale)
    } catch (err) {
      if (err.code === "weight_needed" && qty === 1) openDialog(weigh(app, item, err.detail));  // no label: weigh
      else fail(err);
    }
  });
}

async function complete() {
  let view;
  try {
    view = await call("POST", `/sales/${S.sale.id}/complete`);
  } catch (err) {
    if (err.code !== "already_completed" || !err.detail.number) throw err;
    view = await call("GET", `/sales/${encodeURIComponent(err.detail.number)}`);
  }
  return completed(view);
}

// The sale done (by complete() or by the payment that left nothing to pay): the paid screen, and the word sent.
function completed(view) {
  closeAll();
  setSale(view);
  showPaid(view);
  message("");
  // Other parts of the till page (member points) learn of the sale now, not only if their socket is joined.
  document.dispatchEvent(new CustomEvent("omnitoko:completed", { detail: view }));
  return view;
}

function scanEntered(raw) {
  let text = raw.trim();
  let qty = null;
  const m = text.match(/^(\d{1,4})\s*\*\s*(.*)$/);
  if (m) {
    qty = Number(m[1]);
    text = m[2].trim();
    if (!text) { S.pendingQty = qty; render(); return; }
  }
  qty = qty || S.pendingQty || 1;
  S.pendingQty = null;
  render();
  if (RECEIPT_LINK.test(text)) openDialog(transactions(app, { query: text }));  // a receipt's QR: find it
  else if (/^\d+$/.test(text)) addItem({ barcode: text }, qty);
  else openDialog(D.search(app, { query: text, qty }));  // a typed name: search it
}

// ---- dialogs: a stack; Esc goes back one step ----------------------------------------------
// A dialog drawn again (back from the step above it, or a key that switched an option) gives its field the typing
// where it was, never a caret in front of the text: back, the text selected (as when tabbing into a field);
// redrawn while typing, the caret at the end.
function resumeTyping(el, back) {
  const f = document.activeElement;
  if (!f || !el.contains(f) || f.tagName !== "INPUT" || !f.value) return;
  try {
    if (back) f.select();
    else if (f.selectionEnd === 0) f.setSelectionRange(f.value.length, f.value.length);  // one its mount left alone
  } catch (e) { /* a field type without a caret */ }
}

function showTop(back = false) {
  const top = S.stack[S.stack.length - 1];
  $("modal").hidden = !top;
  if (!top) {
    if (S.screen === "sale") $("scan").focus();
    else if (S.screen === "signin") $($("signin-code").value ? "signin-pin" : "signin-code").focus();
    return;
  }
  const el = $("dialog");
  el.className = `dialog dialog-${top.name}`;
  el.innerHTML = top.html();
  top.mount(el);
  resumeTyping(el, back);
}

function openDialog(d) { S.stack.push(d); showTop(); }
function closeDialog() { S.stack.pop(); showTop(true); }
function closeAll() { S.stack.length = 0; showTop(); }
function refreshDialog() { if (S.stack.length) showTop(); }
// Whether dialog `d` is the one on screen: an answer that comes after its dialog was closed or covered must not
// draw into the dialog showing now (they share #dialog); it keeps what it got for when `d` shows again.
function isTop(d) { return S.stack[S.stack.length - 1] === d; }

const app = {
  S, call, run, message, fail, setSale, render, startSale, postLine, complete, completed, addItem, selectedLine,
  openDialog, closeDialog, closeAll, refreshDialog, isTop, showScreen, afterSignIn, signOut: () => signOutNow(),
};
wireForms(app);
wireTillChoice(app, boot.store.tills, labels);

async function signOutNow() {
  try { await call("DELETE", "/session"); } catch (e) { /* the token ends anyway */ }
  signedOut("");
}

// ---- keyboard ------------------------------------------------------------------------------
const FKEYS = {
  F1: "elsewhere", F2: "search", F4: "qty", F5: "transactions", F6: "discount", F7: "menu", F8: "park", F9: "remove",
  F12: "pay",
};
for (const key of [...Object.keys(FKEYS), "ArrowUp", "ArrowDown", "Escape"]) saleKey(key);

// A key that works on the sale's lines or total waits for a scan still on its way (the till's one queue): "scan, F4"
// changes the item just scanned and F12 asks for its total, not the line and total before it on a slow network.
const AFTER_SCANS = new Set(["qty", "remove", "discount", "pay", "park", "elsewhere"]);
function keyAction(name) {
  if (AFTER_SCANS.has(name)) run(async () => action(name));
  else action(name);
}

function action(name) {
  if (S.screen !== "sale" || S.stack.length) return;
  const paidShown = !$("paid-panel").hidden;
  const line = selectedLine();
  // On the paid screen a line key has no sale to work on: it says so (not "select a line", which ↑↓ cannot do).
  const refused = (key) => { message([[paidShown ? "err.sale_paid" : key]], "error"); return false; };
  const needsLine = () => (!line || paidShown ? refused("err.no_line") : true);
  const needsItems = () => (!S.sale || S.sale.state !== "open" || !S.sale.lines.length ? refused("err.empty_sale") : true);
  switch (name) {
    case "search": openDialog(D.search(app, { query: "", qty: S.pendingQty || 1 })); break;
    case "qty": {
      if (!needsLine()) break;
      // A weighed or label-priced line has no count to change (its quantity is grams): said at once, no dialog.
      if (line.measure && line.measure !== "unit") { message([["err.measured_line_qty"]], "error"); break; }
      const typed = $("scan").value.trim();
      if (/^\d{1,4}$/.test(typed)) { $("scan").value = ""; D.setQty(app, line, Number(typed)); } else openDialog(D.qty(app, line));
      break;
    }
    case "discount":
      if (needsItems()) openDialog(D.discount(app, line));
      break;
    case "menu": openDialog(shift.menu(app)); break;
    case "transactions": openDialog(transactions(app)); break;
    case "park": openDialog(shift.park(app)); break;
    case "remove": if (needsLine()) D.removeLine(app, line); break;
    case "clear": clearEntry(); break;
    case "elsewhere": if (needsLine()) showElsewhere(app, line); break;
    case "pay":
      if (needsItems()) openDialog(pay(app));
      break;
    default: break;
  }
}

/** Esc: clear what was typed, a pending quantity and the message; put the change panel away. */
function clearEntry() {
  $("scan").value = "";
  S.pendingQty = null;
  message("");
  putPaidAway();
}

// The change panel put away (Esc, or an online order handed over after the sale) takes the paid sale with it: the
// panel lies over the lines and total, so they would show again as if still open. None on screen: the next scan
// starts a new sale (as after a park or a void).
function putPaidAway() {
  $("paid-panel").hidden = true;
  if (S.sale && S.sale.state !== "open") S.sale = null;
  render();
}

function moveSelection(step) {
  if (!S.sale || !S.sale.lines.length) return;
  const ids = S.sale.lines.map((l) => l.id);
  const i = Math.max(0, Math.min(ids.length - 1, ids.indexOf(S.selected) + step));
  S.selected = ids[i];
  S.fresh = false;
  render();
}

document.addEventListener("keydown", (e) => {
  if (e.key in FKEYS || e.key === "F1" || e.key === "F3" || e.key === "F10") e.preventDefault();
  const top = S.stack[S.stack.length - 1];
  if (top) {
    if (top.key && top.key(e)) return;
    if (e.key === "Escape") { e.preventDefault(); if (!top.busy) closeDialog(); }
    return;
  }
  if (S.screen === "signin" && e.key === "F7") { e.preventDefault(); unlockAtSignIn(); return; }
  if (S.screen !== "sale") return;
  const scan = $("scan");
  if (FKEYS[e.key]) { keyAction(FKEYS[e.key]); return; }
  if (e.key === "ArrowUp" || e.key === "ArrowDown") { e.preventDefault(); moveSelection(e.key === "ArrowUp" ? -1 : 1); return; }
  if (e.key === "Escape") { clearEntry(); hideElsewhere(); return; }
  if (document.activeElement !== scan && e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey) scan.focus();
  if (e.key === "Enter" && document.activeElement === scan) {
    e.preventDefault();
    const raw = scan.value;
    scan.value = "";
    if (raw.trim()) scanEntered(raw);
  }
});

// A cashier locked out after wrong PINs: a manager unlocks the code in place (F7) with their own code and PIN.
function unlockAtSignIn() {
  const code = $("signin-code").value.trim();
  if (!code || $("signin-unlock").hidden) return;
  openDialog(unlock(app, code, (text) => {
    $("signin-unlock").hidden = true;
    $("signin-msg").textContent = text;
    $("signin-pin").focus();
  }));
}

$("signin-unlock").addEventListener("click", unlockAtSignIn);

// The scan field gets focus back after every click elsewhere on the sale screen.
document.addEventListener("focusout", () => {
  setTimeout(() => {
    if (S.screen === "sale" && !S.stack.length && (!document.activeElement || document.activeElement === document.body)) {
      $("scan").focus();
    }
  }, 0);
});
document.addEventListener("click", (e) => {
  const btn = e.target.closest("[data-action]");
  if (btn) keyAction(btn.dataset.action);
  const row = e.target.closest("#lines tr[data-id]");
  if (row) { S.selected = row.dataset.id; S.fresh = false; render(); }
  if (S.screen === "sale" && !S.stack.length) $("scan").focus();
});

// A sale loaded by another part of the till page (a kiosk cart taken with F10) is shown in place.
document.addEventListener("omnitoko:sale", (e) => {
  const view = e.detail;
  if (S.screen !== "sale" || !view || !Array.isArray(view.lines)) return;
  e.preventDefault();
  $("paid-panel").hidden = true;
  setSale(view, { select: "last", fresh: true });
});

// An online order handed over (kiosk-carts.js) is its own thing: after a paid sale the screen is left empty for the
// next shopper (the hand-over's word in the message line); a sale under way stays as it is.
document.addEventListener("omnitoko:handed-over", () => {
  if (S.screen !== "sale" || (S.sale && S.sale.state === "open")) return;
  putPaidAway();
  hideElsewhere();
});

// Another part of the till page (the member panel) says what it did in the till's message line: a message from
// before it (a refused scan in red) would otherwise stay beside a member attached or points used.
document.addEventListener("omnitoko:message", (e) => {
  if (S.screen === "sale" && e.detail && Array.isArray(e.detail.parts)) message(e.detail.parts, e.detail.kind || "ok");
});

// Another part of the till page (points that paid the whole sale) asks the till to finish it.
document.addEventListener("omnitoko:complete", () => {
  if (S.screen === "sale" && S.sale && S.sale.state === "open" && S.sale.remaining === 0) complete().catch(fail);
});

// ---- language, clock, start ----------------------------------------------------------------
$("lang-toggle").addEventListener("click", async () => {
  await setLang(otherLang());
  labels();
  render();
  redrawElsewhere();
  if (!$("paid-panel").hidden && S.sale) showPaid(S.sale);
});

function tick() { $("clock").textContent = dateTime(); }
tick();
setInterval(tick, 15000);

async function start() {
  applyTexts();
  labels();
  render();
  if (!S.token) { showScreen("signin"); return; }
  try {
    const res = await call("GET", "/session");
    S.staff = res.staff;
    await afterSignIn();
  } catch (err) {
    if (S.screen !== "signin") signedOut(err.code === "unauthenticated" ? "" : errorText(err));
  }
}
run(start);
