// Who else has it, on the till: the selected line on F1, and by itself when a scanned item is out of stock here.
// Asked of the central store through this store server (GET /stock/<sku>/elsewhere); offline, the panel says so
// in the till's language and shows this store only. The panel sits beside the sale: scanning carries on.
import { $, errorText, t } from "./common.js";
import { renderElsewhere } from "./stock_elsewhere.js";

let shown = null; // {line, answer}: what the panel shows, so a language switch can re-word it

function draw() {
  if (!shown) return;
  const { line, answer } = shown;
  $("elsewhere-name").textContent = line.name;
  if (!answer) { $("elsewhere-here").textContent = ""; $("elsewhere-box").textContent = t("elsewhere.asking"); return; }
  $("elsewhere-here").textContent = t("elsewhere.here", { n: answer.on_hand });
  renderElsewhere($("elsewhere-box"), answer, {
    none: t("elsewhere.none"),
    note: (a) => t(`elsewhere.${a.reason || "offline"}`),
  });
}

export function hideElsewhere() {
  shown = null;
  $("elsewhere").hidden = true;
}

export function redrawElsewhere() { draw(); }

export async function showElsewhere(app, line) {
  const mine = { line, answer: null };
  shown = mine;
  $("elsewhere").hidden = false;
  draw();
  try {
    const answer = await app.call("GET", `/stock/${encodeURIComponent(line.sku)}/elsewhere`);
    if (shown !== mine) return; // another item asked meanwhile
    mine.answer = answer;
    draw();
  } catch (err) {
    if (shown === mine) $("elsewhere-box").textContent = errorText(err);
  }
}

/** After a scan: more of this item in the sale than this store has? Then say so and ask who else has it. */
export async function checkStock(app, line) {
  const res = await app.call("GET", `/products?sku=${encodeURIComponent(line.sku)}&limit=1`);
  const item = res.items[0];
  const sale = app.S.sale;
  const wanted = sale ? sale.lines.filter((l) => l.sku === line.sku).reduce((n, l) => n + l.qty, 0) : 0;
  if (!item || item.on_hand >= wanted) return;
  app.message([["elsewhere.short", { name: line.name, n: item.on_hand }]], "info");
  await showElsewhere(app, line);
}
