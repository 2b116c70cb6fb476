// IGNY8 web app: the little the pages need beyond htmx. Everything works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A button that asks first: <button data-confirm="Delete 3 keywords?">; when its form's
  // "all matching" box is ticked, it asks data-confirm-matching instead.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (!button) return;
    const matching = button.form && button.form.querySelector("[data-matching]:checked");
    const question = (matching && button.dataset.confirmMatching) || button.dataset.confirm;
    if (!window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // Copy a value shown once (API key secrets): <button data-copy="#secret">.
  document.body.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.querySelector(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select and copy it";
    }
  });
  // "Select every row on this page": <input type="checkbox" data-select-all="keywords-bulk">
  // ticks the row boxes that belong to that form.
  document.body.addEventListener("change", (event) => {
    const all = event.target.closest("[data-select-all]");
    if (!all) return;
    const form = all.dataset.selectAll;
    document.querySelectorAll(`input[type=checkbox][name=ids][form="${CSS.escape(form)}"]`)
      .forEach((box) => { box.checked = all.checked; });
  });
});
