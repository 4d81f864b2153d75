/* On-screen keyboard: a kiosk has no physical keyboard, and only search and cart codes need letters. */
var ROWS = ["1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM"];

function key(label, code, onPress, extra) {
  var b = document.createElement("button");
  b.type = "button";
  b.className = "kb-key" + (extra ? " " + extra : "");
  b.dataset.key = code;
  b.textContent = label;
  b.addEventListener("click", function () { onPress(); });
  return b;
}

/* Builds the keys into `container`; opts.onChange(text) runs after every key. */
function build(container, opts) {
  var text = "";
  var max = opts.maxLength || 40;
  function set(value) {
    text = value.slice(0, max);
    opts.onChange(text);
  }
  container.textContent = "";
  ROWS.forEach(function (row) {
    var div = document.createElement("div");
    div.className = "kb-row";
    row.split("").forEach(function (ch) {
      div.appendChild(key(ch, ch, function () { set(text + ch); }));
    });
    container.appendChild(div);
  });
  var last = document.createElement("div");
  last.className = "kb-row";
  var space = key("", "space", function () { if (text && text.slice(-1) !== " ") set(text + " "); }, "kb-space");
  var back = key("", "back", function () { set(text.slice(0, -1)); }, "kb-wide kb-action");
  var clear = key("", "clear", function () { set(""); }, "kb-wide kb-action");
  space.dataset.i18n = "key_space";
  back.dataset.i18n = "key_back";
  clear.dataset.i18n = "key_clear";
  if (opts.spaceKey === false) space.hidden = true;
  last.append(space, back, clear);
  container.appendChild(last);
  return {
    value: function () { return text; },
    clear: function () { text = ""; opts.onChange(""); },
  };
}

export const KioskKeyboard = { build: build };
