// Who else has this product: asked of the central store through this store server when a person looks at it.
// The server answers offline too ("central store unreachable; showing this store only"): shown as it comes.
import { kgText } from "../shared/kit.js";

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// `words` lets a screen say the notes in its own language: {none, note(a)} (the server's message otherwise).
// A weighed product's figures are grams: shown as kg in the store's number format ("59,000 kg").
export function renderElsewhere(box, a, words = {}) {
  const shown = (n) => (a.measure === "weight" && Number.isSafeInteger(Number(n)) ? kgText(n) : n);
  const rows = (a.locations || []).map((l) => `<li class="${l.neighbour ? "near" : ""}">
    <span>${esc(l.name)}</span> <b class="num">${esc(shown(l.on_hand))}</b></li>`);
  const note = a.online ? (rows.length ? "" : esc(words.none || "—")) : esc(words.note ? words.note(a) : a.message);
  box.innerHTML = `<ul class="elsewhere-list">${rows.join("")}</ul>${note ? `<p class="note">${note}</p>` : ""}`;
  box.dataset.online = a.online ? "yes" : "no";
}

export async function showElsewhere(box, url, headers = {}) {
  box.textContent = "…";
  try {
    const res = await fetch(url, { headers: { Accept: "application/json", ...headers } });
    const a = await res.json();
    if (!res.ok) { box.textContent = (a.error && a.error.message) || res.statusText; return; }
    renderElsewhere(box, a);
  } catch (e) {
    box.textContent = String(e);
  }
}
