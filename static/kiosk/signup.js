/* Sign-up on the kiosk's "My points" screen: name and mobile number on the on-screen keyboards, then the new
 member is shown like a scanned card (masked name, 0 points). The store server asks central to make the member. */
import { applyTexts } from "../shared/kit.js";
import { $, Kiosk } from "./core.js";
import { KioskKeyboard } from "./keyboard.js";

var K = Kiosk;
var busy = false;

function say(text) {
  $("signup-message").textContent = text || "";
  $("signup-message").hidden = !text;
}
function field(name, text) {
  $("signup-" + name).querySelector(".typed").textContent = text;
  say("");
}
var keyboards = {
  name: KioskKeyboard.build($("signup-keyboard-name"), { onChange: function (v) { field("name", v); }, maxLength: 80 }),
  phone: KioskKeyboard.build($("signup-keyboard-phone"), { onChange: function (v) { field("phone", v); },
                                                         maxLength: 20, spaceKey: false }),
};
// built after the page's texts were applied: label the space, delete and clear keys here
applyTexts($("signup"));

function pick(name) {
  ["name", "phone"].forEach(function (n) {
    $("signup-" + n).setAttribute("aria-pressed", String(n === name));
    $("signup-keyboard-" + n).hidden = n !== name;
  });
}
function open() {
  keyboards.name.clear();
  keyboards.phone.clear();
  pick("name");
  say("");
  K.points(null);
  $("signup").hidden = false;
  $("signup-open").hidden = true;
  $("points-hint").hidden = true;
}
function close() {
  $("signup").hidden = true;
  $("signup-open").hidden = false;
}
function send() {
  if (busy) return;
  var name = keyboards.name.value().trim();
  var phone = keyboards.phone.value().trim();
  if (!name) { pick("name"); say(K.t("signup_bad_name")); return; }
  if (!phone) { pick("phone"); say(K.t("signup_bad_phone")); return; }
  busy = true;
  say("");
  $("signup-send").textContent = K.t("signup_sending");
  K.api("POST", "/members", { name: name, phone: phone }).then(function (res) {
    busy = false;
    $("signup-send").textContent = K.t("signup_send");
    if (res.ok) {
      close();
      K.points(res.data);
      K.toast(K.t("signup_done"), "ok");
      return;
    }
    var code = (res.data.error || {}).code;
    var known = { bad_name: "signup_bad_name", bad_phone: "signup_bad_phone", phone_taken: "signup_phone_taken",
                  not_connected: "signup_not_connected", central_unreachable: "signup_not_connected" };
    if (code === "bad_phone") pick("phone");
    say(known[code] ? K.t(known[code]) : K.problem(res));
  });
}

$("signup-open").addEventListener("click", open);
$("signup-name").addEventListener("click", function () { pick("name"); });
$("signup-phone").addEventListener("click", function () { pick("phone"); });
$("signup-send").addEventListener("click", send);
export const KioskSignUp = { open: open, close: close };
