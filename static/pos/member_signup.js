// Signing a shopper up at the till's member panel (F3): a typed phone number with no member offers sign-up, asks
// the name, signs them up at central and attaches them. Its words are the "member." keys of the till's catalog;
// member.js gives it the panel's own message line (say), attach, the error wording and its busy flag.
import { el, t as tt, tillCall as call } from "./common.js";

function t(key, vars) { return tt("member." + key, vars); }

export function signUpPanel(panel) {
  function offer(phone) {
    var input = document.getElementById("member-input");
    if (!input) return;
    panel.say(t("nomember", { phone: phone }), true);
    var box = input.parentNode;
    if (document.getElementById("member-signup")) return;
    var button = el("button", "btn", t("signup"));
    button.id = "member-signup";
    button.type = "button";
    // the number in the field when pressed: the cashier may have corrected it since
    button.addEventListener("click", function () { askName(document.getElementById("member-input").value.trim() || phone); });
    box.insertBefore(button, input.nextSibling.nextSibling);
    button.focus();
  }
  function askName(phone) {
    var input = document.getElementById("member-input");
    var button = document.getElementById("member-signup");
    if (!input) return;
    if (button) button.remove();
    input.value = "";
    input.dataset.mode = "signup";
    input.dataset.phone = phone;
    input.inputMode = "text";
    input.maxLength = 80;
    input.placeholder = t("signupName");
    panel.say(t("signup") + ": " + t("signupName"), false);
    input.focus();
  }
  function signUp(name, phone) {
    panel.busy(true);
    panel.say(t("signing"), false);
    call("POST", "/members", { name: name, phone: phone }).then(function (res) {
      panel.busy(false);
      if (!res.ok) { panel.say(panel.errorOf(res), true); return; }
      panel.attach(phone);
    });
  }
  return { offer: offer, askName: askName, signUp: signUp };
}
