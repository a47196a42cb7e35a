// Passkey ceremonies for Civitas pages. A button with data-passkey="register" creates a
// passkey; data-passkey="signin" signs in with one (usernameless). data-passkey-base names
// the ceremony endpoints (the staff console's are under /admin/passkeys). The server keeps the
// ceremony state; this file only carries options and answers between it and the browser.
(function () {
  "use strict";

  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }

  function toB64url(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) {
          var refusal = new Error(data.error || "");
          refusal.fromServer = Boolean(data.error);
          throw refusal;
        }
        return data;
      });
    });
  }

  function register(high, base) {
    return post(base + "/register/start" + (high ? "?high=1" : "")).then(function (options) {
      var pk = options.publicKey;
      pk.challenge = toBytes(pk.challenge);
      pk.user.id = toBytes(pk.user.id);
      (pk.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
      return navigator.credentials.create({ publicKey: pk });
    }).then(function (cred) {
      return post(base + "/register/finish", {
        id: cred.id,
        rawId: toB64url(cred.rawId),
        type: cred.type,
        extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
        response: {
          attestationObject: toB64url(cred.response.attestationObject),
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          transports: cred.response.getTransports ? cred.response.getTransports() : undefined
        }
      });
    });
  }

  // A conditional (autofill) request waiting on page load; a button press cancels it.
  var pending = null;
  // Ceremony starts one after the other: the server keeps one ceremony per session, so a
  // button press during the autofill request's start must reach the server after it.
  var starts = Promise.resolve();
  // Set once a passkey answered: the sign-in is being finished, another must not start (it
  // would replace the first and spend the request it continues).
  var finishing = false;
  function start(base) {
    var next = starts.then(function () { return post(base + "/signin/start"); });
    starts = next.catch(function () {});
    return next;
  }

  function signin(continueId, conditional, base) {
    if (pending) { pending.abort(); pending = null; }
    var request = {};
    if (conditional) {
      pending = new AbortController();
      request = { mediation: "conditional", signal: pending.signal };
    }
    return start(base).then(function (options) {
      var pk = options.publicKey;
      pk.challenge = toBytes(pk.challenge);
      (pk.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
      request.publicKey = pk;
      return navigator.credentials.get(request);
    }).then(function (cred) {
      finishing = true;
      var url = base + "/signin/finish" + (continueId ? "?continue=" + encodeURIComponent(continueId) : "");
      return post(url, {
        id: cred.id,
        rawId: toB64url(cred.rawId),
        type: cred.type,
        extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
        response: {
          authenticatorData: toB64url(cred.response.authenticatorData),
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          signature: toB64url(cred.response.signature),
          userHandle: toB64url(cred.response.userHandle)
        }
      }).catch(function (e) { finishing = false; throw e; });
    });
  }

  // Conditional UI: where the browser supports it, the sign-in page's field offers the
  // citizen's passkeys as autofill suggestions.
  function offerAutofill(error) {
    var field = document.querySelector("[data-passkey-autofill]");
    if (!field || !window.PublicKeyCredential || !PublicKeyCredential.isConditionalMediationAvailable) { return; }
    PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
      if (!available) { return; }
      field.hidden = false;
      signin(field.dataset.continue, true, field.dataset.passkeyBase || "/passkeys").then(function (done) {
        window.location.assign(done.redirect);
      }).catch(function (e) {
        if (e && e.name !== "AbortError" && error) {
          error.textContent = (e.fromServer && e.message) || error.dataset.failed;
        }
      });
    });
  }

  // The words come from the page (data- attributes), in its language: the status region says
  // what the device is asking for, the alert region why it failed and what to do.
  function say(region, text) {
    if (region) { region.textContent = text || ""; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var error = document.querySelector("[data-passkey-error]");
    var status = document.querySelector("[data-passkey-status]");
    var texts = error ? error.dataset : {};
    offerAutofill(error);
    document.querySelectorAll("button[data-passkey]").forEach(function (button) {
      // Without passkey support (or without JavaScript) the button stays hidden, not dead.
      if (!window.PublicKeyCredential || !navigator.credentials) {
        say(error, texts.unsupported);
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        if (finishing) { return; }
        button.disabled = true;
        say(error, "");
        say(status, status && status.dataset.working);
        var base = button.dataset.passkeyBase || "/passkeys";
        var run = button.dataset.passkey === "register" ? register(button.dataset.high === "1", base) : signin(button.dataset.continue, false, base);
        run.then(function (done) {
          say(status, status && status.dataset.done);
          window.location.assign(done.redirect);
        }).catch(function (e) {
          button.disabled = false;
          say(status, "");
          // A refusal from Civitas comes with its own words (e.message, in the page's
          // language); the browser's own errors are named here.
          say(error, e && (e.name === "NotAllowedError" || e.name === "AbortError")
            ? texts.cancelled
            : (e && e.fromServer && e.message) || texts.failed);
        });
      });
    });
  });
})();
