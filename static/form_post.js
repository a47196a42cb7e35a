// Submits the response form at once (OAuth 2.0 Form Post Response Mode). Without JavaScript
// the person presses "Continue" instead.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-auto-submit]");
  if (form) {
    form.submit();
  }
});
