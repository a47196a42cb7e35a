// The inactivity warning of signed-in pages: two minutes before the session ends, a dialog
// says so and offers "Stay signed in" (POST /session/extend, which works without this script
// too). The words come from the page, in its language.
(function () {
  "use strict";
  var WARN_BEFORE = 120;
  var box = document.getElementById("session-warning");
  var status = document.getElementById("session-status");
  if (!box || !status) { return; }
  var form = box.querySelector("form");
  var button = form.querySelector("button");
  var warnTimer = null;
  var endTimer = null;

  function ended() {
    box.hidden = true;
    status.textContent = status.dataset.ended;
  }

  function schedule(left) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      box.hidden = false;
      button.focus();
    }, Math.max(0, left - WARN_BEFORE) * 1000);
    endTimer = setTimeout(ended, left * 1000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (answer) {
        if (!r.ok) { ended(); return; }
        box.hidden = true;
        status.textContent = status.dataset.extended;
        schedule(answer.left);
      });
    }).catch(ended);
  });

  schedule(parseInt(box.dataset.left, 10) || 0);
})();
