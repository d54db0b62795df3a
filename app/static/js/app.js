/* Progressive enhancement for the workplan editor. Every feature works without this file. */
(function () {
  "use strict";

  /* Move focus to the error summary so screen readers announce it. */
  function focusErrors(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  function rowHasText(row) {
    return Array.prototype.some.call(row.querySelectorAll("textarea, input[type=text], input:not([type])"),
      function (field) { return field.value.trim() !== ""; });
  }

  /* Add and remove rows without a full page load: post the form with the button's action,
     then swap in the form from the page the server answers with. */
  function enhanceRows(form) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=action]");
      if (!button || !/^(add|remove):/.test(button.value)) { return; }
      if (button.hasAttribute("data-remove-row")) {
        var row = document.getElementById(button.value.slice("remove:".length));
        if (row && rowHasText(row) && !window.confirm("Remove this row and what is written in it?")) {
          event.preventDefault();
          return;
        }
      }
      event.preventDefault();
      var data = new FormData(form);
      data.set("action", button.value);
      button.disabled = true;
      /* form.action would name the buttons called "action"; read the attribute instead. */
      fetch(form.getAttribute("action") || window.location.href.split("#")[0], {
        method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.text().then(function (html) { return { response: response, html: html }; });
      }).then(function (result) {
        var page = new DOMParser().parseFromString(result.html, "text/html");
        var fresh = page.querySelector(".wizard__form");
        var current = document.querySelector(".wizard__form");
        if (!fresh || !current) { window.location.href = result.response.url; return; }
        current.replaceWith(fresh);
        var nav = page.querySelector(".step-nav");
        if (nav && document.querySelector(".step-nav")) { document.querySelector(".step-nav").replaceWith(nav); }
        var anchor = new URL(result.response.url).searchParams.get("added");
        var target = anchor && document.getElementById(anchor);
        init(document);
        if (target) {
          target.scrollIntoView({ block: "start" });
          var first = target.querySelector("textarea, input:not([type=hidden]), select");
          if (first) { first.focus(); }
        } else {
          focusErrors(document);
        }
      }).catch(function () {
        /* Offline or failed: fall back to the ordinary form submission, which keeps the text. */
        button.disabled = false;
        var fallback = document.createElement("input");
        fallback.type = "hidden"; fallback.name = "action"; fallback.value = button.value;
        form.appendChild(fallback);
        form.submit();
      });
    });
  }

  /* Autosave: while a step has unsaved changes, save it in the background every N seconds and
     when the page is hidden or closed, so a closed tab or a dropped link loses little typing. */
  var autosave = { dirty: false, busy: false };

  function stepForm() { return document.querySelector("[data-step-form]"); }

  function showStatus(text) {
    var status = document.querySelector("[data-autosave-status]");
    if (status) { status.textContent = text; }
  }

  /* Returns a promise that settles when the save (if any) is done. */
  function saveInBackground(closing) {
    var form = stepForm();
    if (!form || !autosave.dirty) { return Promise.resolve(); }
    if (autosave.busy) { return autosave.busy; }
    var data = new FormData(form);
    data.delete("action");
    autosave.dirty = false;
    var request = fetch(form.dataset.autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin", keepalive: closing,
      headers: { "X-Requested-With": "fetch" }
    });
    if (closing) { return Promise.resolve(); }
    showStatus("Saving…");
    autosave.busy = request.then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok && result.body.saved) {
        Object.keys(result.body.hidden).forEach(function (name) {
          var field = form.querySelector('[name="' + name + '"]');
          if (field) { field.value = result.body.hidden[name] === null ? "" : result.body.hidden[name]; }
        });
        showStatus("Saved automatically at " + result.body.saved_at + " UTC");
      } else {
        autosave.dirty = true;
        showStatus("Not saved automatically: " + (result.body.errors || []).join(" ") + " Press Save to see why.");
      }
    }).catch(function () {
      autosave.dirty = true;
      showStatus("Not saved yet (no connection?). Your text is still here; it will be saved when the link is back.");
    }).then(function () { autosave.busy = false; });
    return autosave.busy;
  }

  function startAutosave() {
    var form = stepForm();
    if (!form || !form.dataset.autosaveUrl) { return; }
    var seconds = parseInt(form.dataset.autosaveSeconds || "30", 10);
    document.addEventListener("input", function (event) {
      if (event.target.form === stepForm()) { autosave.dirty = true; }
    });
    document.addEventListener("change", function (event) {
      if (event.target.form === stepForm()) { autosave.dirty = true; }
    });
    /* The form's own Save buttons post everything; nothing is left for the timer then. A save
       still on its way would change the plan's version under the form: wait for it first. */
    document.addEventListener("submit", function (event) {
      var form = stepForm();
      if (event.target !== form) { return; }
      if (autosave.busy) {
        event.preventDefault();
        var submitter = event.submitter;
        autosave.busy.then(function () { form.requestSubmit(submitter); });
        return;
      }
      autosave.dirty = false;
    });
    /* Leaving the step by a link with unsaved changes: save first, then go. */
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (!link || !autosave.dirty || link.origin !== window.location.origin || link.target || link.hasAttribute("download")) { return; }
      if (link.hash && link.pathname === window.location.pathname) { return; }
      event.preventDefault();
      saveInBackground(false).then(function () {
        /* If it could not be saved, stay: the status line says why and the text is still here. */
        if (!autosave.dirty) { window.location.href = link.href; }
      });
    });
    window.setInterval(function () { saveInBackground(false); }, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { saveInBackground(false); }
    });
    window.addEventListener("pagehide", function () { saveInBackground(true); });
  }

  /* A table wider than the screen scrolls inside its wrapper: while it does, make the wrapper a
     named region that takes the focus, so keyboard users can scroll it with the arrow keys. */
  function nameOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    for (var node = wrap; node && node !== document.body; node = node.previousElementSibling || node.parentElement) {
      if (node !== wrap && /^(H[1-4]|LEGEND)$/.test(node.tagName)) { return node.textContent.trim(); }
    }
    return "Table";
  }

  function markScrollableTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        /* Named after its table, but not exactly like the section around it (landmarks differ). */
        wrap.setAttribute("aria-label", nameOf(wrap) + " (table)");
      } else if (!scrolls && wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function init(root) {
    var form = root.querySelector("[data-step-form]");
    if (form && !form.dataset.enhanced) {
      form.dataset.enhanced = "1";
      enhanceRows(form);
    }
    markScrollableTables();
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    focusErrors(document);
    startAutosave();
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; markScrollableTables(); });
    });
  });
})();

/* Replying to or resolving a review comment from a step page leaves the page: save the step's
   unsaved typing first (through the autosave address), so nothing typed is lost. */
(function () {
  "use strict";

  function serialise(form) {
    var data = new FormData(form);
    data.delete("csrf_token");
    return new URLSearchParams(data).toString();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var initial = document.querySelector("[data-step-form]");
    if (!initial || !initial.dataset.autosaveUrl) { return; }
    var saved = serialise(initial);
    document.addEventListener("submit", function (event) {
      var leaving = event.target;
      if (!leaving.hasAttribute || !leaving.hasAttribute("data-leaves-step")) { return; }
      var step = document.querySelector("[data-step-form]");
      if (!step || serialise(step) === saved) { return; }
      event.preventDefault();
      var data = new FormData(step);
      data.delete("action");
      fetch(step.dataset.autosaveUrl, {
        method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (!result.ok || !result.body.saved) { throw new Error("not saved"); }
        Object.keys(result.body.hidden || {}).forEach(function (name) {
          var field = step.querySelector('[name="' + name + '"]');
          if (field) { field.value = result.body.hidden[name]; }
        });
        saved = serialise(step);
        leaving.submit();
      }).catch(function () {
        if (window.confirm("Your changes on this step could not be saved. Send the comment anyway and lose them?")) {
          leaving.submit();
        }
      });
    });
  });
})();

/* Times are printed in UTC; show them in the reader's own time zone, keeping UTC as a tooltip. */
(function () {
  "use strict";

  function localise(root) {
    /* Marked once done: rewriting a node's text must not wake the observer below for ever. */
    Array.prototype.forEach.call(root.querySelectorAll("time[data-local]:not([data-localised])"), function (node) {
      node.setAttribute("data-localised", "");
      var when = new Date(node.getAttribute("datetime"));
      if (isNaN(when.getTime())) { return; }
      var options = { day: "2-digit", month: "short", year: "numeric" };
      if (node.getAttribute("data-local") === "datetime") {
        options.hour = "2-digit";
        options.minute = "2-digit";
        options.timeZoneName = "short";
      }
      try {
        if (!node.title) { node.title = node.textContent; }
        node.textContent = new Intl.DateTimeFormat(undefined, options).format(when);
      } catch (error) { /* Old browsers keep the UTC text. */ }
    });
  }

  /* The autosave line says "… at 14:05 UTC" (today, UTC): show that time in the reader's zone too. */
  function localiseStatus(root) {
    var status = root.querySelector("[data-autosave-status]");
    if (!status || status.getAttribute("data-local-text") === status.textContent) { return; }
    var match = /^(.* at )(\d\d):(\d\d) UTC(.*)$/.exec(status.textContent);
    if (!match) { return; }
    var now = new Date();
    var when = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), +match[2], +match[3]));
    if (when - now > 60000) { when = new Date(when - 86400000); }
    try {
      var text = match[1] + new Intl.DateTimeFormat(undefined,
        { hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(when) + match[4];
      status.setAttribute("data-local-text", text);
      status.textContent = text;
    } catch (error) { /* Old browsers keep the UTC text. */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    localise(document);
    localiseStatus(document);
    new MutationObserver(function () { localiseStatus(document); })
      .observe(document.body, { childList: true, subtree: true, characterData: true });
    /* Parts of a step page are swapped in after adding or removing rows. */
    new MutationObserver(function () { localise(document); })
      .observe(document.body, { childList: true, subtree: true });
  });
})();
