// A weighed item scanned or searched without a scale label: the till asks its weight from the keyboard
// (kg with a comma or point, or grams), Enter rings it, Esc cancels. The server reads the weight (one parser).
import { T, escapeHtml, money, t } from "./common.js";
import { showError } from "./till_dialogs.js";

export function weigh(app, item, detail) {
  const d = { name: "weight" };
  d.html = () => `<h2>${T("weight.title")}</h2>
    <label class="field"><span>${T("weight.label", { name: detail.name || "", price: money(detail.price || 0) })}</span>
    <input class="dialog-input big-input" id="weight-value" inputmode="decimal" maxlength="12" autocomplete="off"
      placeholder="${escapeHtml(t("weight.placeholder"))}"></label>
    <div class="dialog-msg" role="alert"></div>
    <div class="dialog-hint">${T("weight.hint")}</div>`;
  d.mount = (el) => {
    d.el = el;
    const input = el.querySelector("#weight-value");
    input.focus();
    input.addEventListener("input", () => {  // a new weight being typed: the last refusal no longer applies
      const box = el.querySelector(".dialog-msg");
      box.textContent = "";
      box.classList.remove("msg-error");
    });
  };
  d.key = (e) => {
    if (e.key !== "Enter") return false;
    e.preventDefault();
    const weight = d.el.querySelector("#weight-value").value.trim();
    if (!weight) { showError(d.el, t("err.bad_weight")); return true; }
    app.run(async () => {
      try {
        const view = await app.postLine({ ...item, weight });
        app.closeAll();
        app.setSale(view, { select: "last", fresh: true });
        app.message("");
      } catch (err) { showError(d.el, err); }
    });
    return true;
  };
  return d;
}
