// Small behaviours every page may use, without inline script (the Content-Security-Policy allows
// scripts from this server only): a select that submits its form, back and print links.
document.addEventListener("change", function (event) {
  const field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
});
document.addEventListener("click", function (event) {
  const link = event.target.closest && event.target.closest("[data-action]");
  if (!link) return;
  if (link.dataset.action === "print") { event.preventDefault(); window.print(); }
  if (link.dataset.action === "back" && history.length > 1) { event.preventDefault(); history.back(); }
});
// Bulk actions: a "select all" box ticks the page's boxes of the same name; the bar counts them.
function bulkCount(form) {
  const bar = document.getElementById(form);
  if (!bar) return;
  const ticked = document.querySelectorAll('input[type=checkbox][form="' + form + '"][name]:checked').length;
  const label = bar.querySelector("[data-bulk-count]");
  if (label) label.textContent = ticked ? "已选择 " + ticked + " 人" : "未选择";
  const button = bar.querySelector("[data-bulk-submit]");
  if (button) button.disabled = ticked === 0;
}
document.addEventListener("change", function (event) {
  const box = event.target;
  if (!box.matches || !box.matches("input[type=checkbox][form]")) return;
  const form = box.getAttribute("form");
  if (box.dataset.selectAll) {
    document.querySelectorAll('input[type=checkbox][form="' + form + '"][name="' + box.dataset.selectAll + '"]')
      .forEach(function (other) { other.checked = box.checked; });
  }
  bulkCount(form);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[id] [data-bulk-count]").forEach(function (label) { bulkCount(label.closest("form").id); });
});
// On a phone the header's menu starts folded (菜单 opens it); without script it stays open.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(max-width: 640px)").matches) return;
  document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (menu) { menu.open = false; });
});

// 大屏 (indicators dashboard ?screen=1): after data-rotate-seconds, show the next page of the
// rotation (the region, then each of its child regions), so the command room's wall keeps moving
// and every page load brings fresh figures.
document.addEventListener("DOMContentLoaded", function () {
  var screen = document.querySelector("[data-rotate-next]");
  if (!screen) return;
  var seconds = parseInt(screen.getAttribute("data-rotate-seconds"), 10) || 20;
  setTimeout(function () { window.location.assign(screen.getAttribute("data-rotate-next")); }, seconds * 1000);
});
