// 复制引用: opening a paragraph's citation also copies it to the clipboard. Without JavaScript the
// opened citation is plain visible text to select and copy by hand.
document.addEventListener("toggle", function (event) {
  var box = event.target;
  if (!box.classList || !box.classList.contains("cite") || !box.open) return;
  var text = box.querySelector(".cite-text").innerText.trim();
  var summary = box.querySelector("summary");
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(
      function () { summary.textContent = "已复制引用"; },
      function () { summary.textContent = "复制引用（请手动选中复制）"; });
  }
}, true);
