// Behaviour the pages declare with data attributes (the Content-Security-Policy allows no inline handlers):
//   data-autosubmit      on a <select>: choosing an option submits its form
//   data-select-on-focus on an <input>: focusing it selects its text (for copying)
//   data-confirm="…"     on a <form> or a submit button: ask before submitting
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit(); }
});
document.addEventListener("focusin", function (event) {
  var el = event.target;
  if (el.matches && el.matches("input[data-select-on-focus]")) { el.select(); }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
});
