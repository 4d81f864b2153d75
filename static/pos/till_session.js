// Signing in (staff code + PIN), the opening float, and the badges at the top: the live link to the
// store server, and printer / sync status that other parts of the store push over Socket.IO.
import { $, T, TOKEN_KEY, api, connectTill, errorText, money, parseAmount, serverText, t } from "./common.js";

export { TOKEN_KEY };

const TILL_KEY = "omnitoko.till";

/** This PC's till: `?till=T2` in its link or a choice on the sign-in card, kept on the PC. A till the store does
 *  not have (a mistyped link, a till since removed) is not kept: the store's default till is used. */
export function chosenTill(store) {
  const asked = new URLSearchParams(window.location.search).get("till");
  if (asked && store.tills.includes(asked)) localStorage.setItem(TILL_KEY, asked);
  const kept = localStorage.getItem(TILL_KEY);
  return store.tills.includes(kept) ? kept : store.default_till;
}

/** The sign-in card's till buttons, in a store with more than one till: a click makes this PC that till (two PCs
 *  left on the default would ring their sales into one till's shift and drawer). */
export function wireTillChoice(app, tills, onChange) {
  const box = $("till-choice");
  if (tills.length < 2) return;
  const buttons = tills.map((till) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn";
    b.tabIndex = -1;  // the code, Enter, PIN, Enter flow stays as it is; the choice is made once, by a touch
    b.dataset.till = till;
    b.innerHTML = T("till.label", { till });
    b.addEventListener("click", () => {
      localStorage.setItem(TILL_KEY, till);
      app.S.tillId = till;
      mark();
      onChange();
      $("signin-msg").innerHTML = T("signin.till_chosen", { till });
      $("signin-code").focus();
    });
    box.appendChild(b);
    return b;
  });
  function mark() {
    for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.till === app.S.tillId));
  }
  mark();
  box.hidden = false;
}

/** The sign-in and opening-float forms; `app` gives the till's state, request queue and screens. */
export function wireForms(app) {
  $("signin-code").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !$("signin-pin").value) { e.preventDefault(); $("signin-pin").focus(); }
  });
  $("signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const staff_code = $("signin-code").value.trim();
    const pin = $("signin-pin").value;
    if (!staff_code) { $("signin-code").focus(); return; }
    if (!pin) { $("signin-pin").focus(); return; }
    app.run(async () => {
      try {
        const res = await api("POST", "/session", { staff_code, pin, till_id: app.S.tillId });
        app.S.token = res.token;
        app.S.staff = res.staff;
        sessionStorage.setItem(TOKEN_KEY, res.token);
        $("signin-msg").textContent = "";
        $("signin-unlock").hidden = true;
        await app.afterSignIn();
      } catch (err) {
        $("signin-msg").textContent = errorText(err);
        $("signin-unlock").hidden = err.code !== "locked";  // F7: a manager unlocks the code here
        $("signin-pin").value = "";
        // A manager's approval opened meanwhile (F7 on a locked code) keeps the focus.
        if (!app.S.stack.length) $("signin-pin").focus();
      }
    });
  });

  $("float-amount").addEventListener("input", () => {
    const v = parseAmount($("float-amount").value);
    $("float-preview").textContent = v === null ? "" : money(v);
  });
  $("float-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const amount = parseAmount($("float-amount").value);
    if (amount === null) { $("float-msg").textContent = t("err.bad_amount"); return; }
    app.run(async () => {
      try {
        await app.call("POST", "/shifts", { opening_float: amount });
        $("float-form").reset();
        $("float-preview").textContent = "";
        $("float-msg").textContent = "";
        app.showScreen("sale");
        await app.startSale();
        app.message([["shift.opened", { amount: money(amount) }]], "ok");
      } catch (err) {
        if (err.code === "shift_open") { app.showScreen("sale"); await app.startSale(); return; }
        $("float-msg").textContent = errorText(err);
      }
    });
  });
}

// ---- badges: the live link, and printer / sync status pushed by other parts ----------------
export function liveBadge(S, ok) {
  const b = $("badge-live");
  b.hidden = !S.staff;
  b.dataset.level = ok ? "ok" : "error";
  b.className = `badge badge-${ok ? "ok" : "error"}`;
  const text = b.querySelector(".badge-text");
  text.dataset.i18n = ok ? "status.live" : "status.offline";
  text.textContent = t(text.dataset.i18n);
}

function statusBadge(S, kind, label) {
  return (data) => {
    if (!data || (data.till_id && S.staff && data.till_id !== S.staff.till_id)) return;
    const level = ["ok", "warn", "error"].includes(data.level) ? data.level : "warn";
    let b = document.querySelector(`#status-badges [data-badge="${kind}"]`);
    if (!b) {
      b = document.createElement("span");
      b.dataset.badge = kind;
      $("status-badges").appendChild(b);
    }
    b.className = `badge badge-${level}`;
    b.dataset.level = level;
    b.title = t(label);
    // Senders give the text in every language (`texts`), so a language switch re-words the badge in place.
    const texts = data.texts || { id: data.text, en: data.text_en };
    b.innerHTML = `<span class="dot"></span>${serverText(texts, t(label))}`;
  };
}

export function connectSocket(S) {
  if (S.socket || !S.staff) return;
  liveBadge(S, false);
  S.socket = connectTill(S.staff.till_id, {
    printer_status: statusBadge(S, "printer_status", "status.printer"),
    sync_status: statusBadge(S, "sync_status", "status.sync"),
  }, (ok) => liveBadge(S, ok));
}

export function clearBadges(S) {
  liveBadge(S, false);
  for (const b of document.querySelectorAll("#status-badges [data-badge]")) b.remove();
}
