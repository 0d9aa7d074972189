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
