/* Idle: after idleSeconds without a touch, a visible countdown; at zero the kiosk starts over. */
import { t } from "../shared/kit.js";

/* opts: idleSeconds, countdownSeconds, overlay, countEl, unitEl ("seconds", "second" at 1), stayButton,
   hasSomethingToClear() -> bool, onReset() */
function start(opts) {
  var last = Date.now();
  function hide() { if (!opts.overlay.hidden) opts.overlay.hidden = true; }
  function touch() { last = Date.now(); hide(); }
  ["pointerdown", "touchstart", "keydown", "wheel"].forEach(function (ev) {
    document.addEventListener(ev, touch, { capture: true, passive: true });
  });
  opts.stayButton.addEventListener("click", touch);

  function tick() {
    if (!opts.hasSomethingToClear()) {
      last = Date.now();
      hide();
      return;
    }
    var idleFor = (Date.now() - last) / 1000;
    if (idleFor < opts.idleSeconds) { hide(); return; }
    var left = Math.ceil(opts.idleSeconds + opts.countdownSeconds - idleFor);
    if (left <= 0) {
      hide();
      last = Date.now();
      opts.onReset();
      return;
    }
    opts.countEl.textContent = String(left);
    opts.unitEl.dataset.i18nVars = JSON.stringify({ n: left }); // a language switch words it for this count too
    opts.unitEl.textContent = t("idle_seconds", { n: left });
    opts.overlay.hidden = false;
  }
  setInterval(tick, 250);
  return { touch: touch };
}

export const KioskIdle = { start: start };
