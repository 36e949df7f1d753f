// Copy buttons: data-copy names the element whose text is the reply a citizen would get.
// navigator.clipboard needs a secure context (https or localhost); on a plain-http intranet
// address the older execCommand path is used instead.
"use strict";

function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text);
  }
  return new Promise(function (resolve, reject) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (ok) { resolve(); } else { reject(new Error("copy refused")); }
  });
}

document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button) { return; }
  var source = document.getElementById(button.dataset.copy);
  if (!source) { return; }
  var text = source.value !== undefined ? source.value : source.textContent;
  var label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  copyText(text).then(function () {
    button.textContent = "已复制";
    button.classList.add("copied");
  }, function () {
    button.textContent = "复制失败，请手动选择";
  }).finally(function () {
    setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 2000);
  });
});
