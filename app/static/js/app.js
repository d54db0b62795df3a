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

  /* The step form's state. dirty: it holds changes the plan does not have yet. busy: the request on
     its way (a background save or a row added or removed); the next one waits for it, since each
     answer changes the form (row ids, the plan's version). hold: a conflict page saves only when the
     user presses Save. leaving: the page is going away on purpose (Save pressed, leave confirmed). */
  var state = { dirty: false, busy: null, hold: false, leaving: false, lastError: "" };

  function stepForm() { return document.querySelector("[data-step-form]"); }

  function showStatus(text) {
    var status = document.querySelector("[data-autosave-status]");
    if (status) { status.textContent = text; }
  }

  function idle() { return state.busy || Promise.resolve(); }

  function track(promise) {
    var settled = promise.then(function () { if (state.busy === settled) { state.busy = null; } });
    state.busy = settled;
    return settled;
  }

  /* What the user can change in a form, by name (and value, for checkboxes). */
  function fieldKey(el) { return el.type === "checkbox" || el.type === "radio" ? el.name + "=" + el.value : el.name; }

  function readFields(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.tagName === "BUTTON") { return; }
      values[fieldKey(el)] = el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
    });
    return values;
  }

  function findField(form, key) {
    var at = key.indexOf("=");
    var selector = at < 0 ? '[name="' + CSS.escape(key) + '"]'
      : '[name="' + CSS.escape(key.slice(0, at)) + '"][value="' + CSS.escape(key.slice(at + 1)) + '"]';
    return form.querySelector(selector);
  }

  /* A field's name once a row is removed: later rows of the same list move up by one; null if it was in the row. */
  function renamed(key, action) {
    var match = /^remove:(.+)-(\d+)$/.exec(action);
    if (!match || key.indexOf(match[1] + "-") !== 0) { return key; }
    var rest = /^(\d+)-(.*)$/.exec(key.slice(match[1].length + 1));
    if (!rest) { return key; }
    var index = parseInt(rest[1], 10), removed = parseInt(match[2], 10);
    if (index === removed) { return null; }
    return index > removed ? match[1] + "-" + (index - 1) + "-" + rest[2] : key;
  }

  /* Typing done while the row request was on its way goes into the form that replaces it. */
  function carryTyping(sent, old, fresh, action) {
    var now = readFields(old);
    Object.keys(now).forEach(function (key) {
      if (now[key] === sent[key]) { return; }
      var name = renamed(key, action);
      var target = name && findField(fresh, name);
      if (!target) { return; }
      if (typeof now[key] === "boolean") { target.checked = now[key]; } else { target.value = now[key]; }
    });
  }

  /* Add and remove rows without a full page load: post the form with the button's action, then
     swap in the form the server answers with. The server saves nothing for these requests: the new
     row is saved with the rest (autosave or Save), so a Save pressed meanwhile never looks stale. */
  function sendRowAction(action) {
    var form = stepForm();
    var data = new FormData(form);
    data.set("action", action);
    var sent = readFields(form);
    form.setAttribute("aria-busy", "true");
    /* form.action would name the buttons called "action"; read the attribute instead. */
    return fetch(form.getAttribute("action") || window.location.href.split("#")[0], {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text().then(function (html) { return { response: response, html: html }; });
    }).then(function (result) {
      var page = new DOMParser().parseFromString(result.html, "text/html");
      var fresh = page.querySelector(".wizard__form");
      var current = document.querySelector(".wizard__form");
      /* Not a step page (signed out, no longer editable…): the ordinary submission handles that and keeps the text. */
      if (!fresh || !current) { submitNatively(action); return; }
      var old = stepForm();
      current.replaceWith(fresh);
      var nav = page.querySelector(".step-nav");
      if (nav && document.querySelector(".step-nav")) { document.querySelector(".step-nav").replaceWith(nav); }
      var form = stepForm();
      if (form && old) { carryTyping(sent, old, form, action); }
      if (form && form.hasAttribute("data-unsaved")) { state.dirty = true; }
      var anchor = (form && form.getAttribute("data-added-row")) || new URL(result.response.url).searchParams.get("added");
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
      submitNatively(action);
    });
  }

  function submitNatively(action) {
    var form = stepForm();
    form.removeAttribute("aria-busy");
    var fallback = document.createElement("input");
    fallback.type = "hidden"; fallback.name = "action"; fallback.value = action;
    form.appendChild(fallback);
    state.leaving = true;
    form.submit();
  }

  function enhanceRows(form) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=action]");
      if (!button || !/^(add|remove):/.test(button.value)) { return; }
      event.preventDefault();
      if (button.hasAttribute("data-remove-row")) {
        var row = document.getElementById(button.value.slice("remove:".length));
        if (row && rowHasText(row) && !window.confirm("Remove this row and what is written in it?")) { return; }
      }
      button.disabled = true;
      var action = button.value;
      track(idle().then(function () { return sendRowAction(action); }));
    });
  }

  /* Lessons: writing how a lesson is applied ticks it (the server counts such a lesson as chosen too);
     unticking a lesson that has text asks before the text is cleared. */
  function enhanceLessons(form) {
    form.addEventListener("input", function (event) {
      var card = event.target.closest("[data-lesson-card]");
      if (!card || event.target.tagName !== "TEXTAREA" || event.target.value.trim() === "") { return; }
      var box = card.querySelector("input[type=checkbox]");
      if (box && !box.checked) { box.checked = true; }
    });
    form.addEventListener("change", function (event) {
      var box = event.target;
      var card = box.closest && box.closest("[data-lesson-card]");
      if (!card || box.type !== "checkbox" || box.checked) { return; }
      var text = card.querySelector("textarea");
      if (!text || text.value.trim() === "") { return; }
      var label = box.closest("label") ? box.closest("label").textContent.trim() : "this lesson";
      if (window.confirm("Drop the lesson “" + label + "” and clear what is written in “How we apply it”?")) {
        text.value = "";
      } else {
        box.checked = true;
      }
    });
  }

  /* Autosave: while a step has unsaved changes, save it in the background every N seconds and
     when the page is hidden or closed, so a closed tab or a dropped link loses little typing.
     Returns a promise that settles when the save (if any) is done. */
  function saveInBackground(closing) {
    var form = stepForm();
    if (!form || !state.dirty || state.hold || state.leaving || !form.dataset.autosaveUrl) { return Promise.resolve(); }
    if (state.busy) { return closing ? Promise.resolve() : state.busy; }
    var data = new FormData(form);
    data.delete("action");
    state.dirty = false;
    var request = fetch(form.dataset.autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin", keepalive: closing,
      headers: { "X-Requested-With": "fetch" }
    });
    if (closing) { return Promise.resolve(); }
    showStatus("Saving…");
    return track(request.then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      var form = stepForm();
      if (result.ok && result.body.saved) {
        Object.keys(result.body.hidden).forEach(function (name) {
          var field = form.querySelector('[name="' + CSS.escape(name) + '"]');
          if (field) { field.value = result.body.hidden[name] === null ? "" : result.body.hidden[name]; }
        });
        form.removeAttribute("data-unsaved");
        state.lastError = "";
        showStatus("Saved automatically at " + result.body.saved_at + " UTC");
      } else {
        state.dirty = true;
        state.lastError = (result.body.errors || []).join(" ");
        showStatus("Not saved automatically: " + state.lastError + " Press Save to see why.");
      }
    }).catch(function () {
      state.dirty = true;
      state.lastError = "there is no connection to the server.";
      showStatus("Not saved yet (no connection?). Your text is still here; it will be saved when the link is back.");
    }));
  }

  /* Wait for the request on its way, then save what is still unsaved; a second round takes what
     was typed during the first. */
  function saveAll() {
    function round() { return idle().then(function () { return saveInBackground(false); }); }
    return round().then(round);
  }

  function leave(href) {
    state.leaving = true;
    window.location.href = href;
  }

  /* Leaving with changes the plan does not have: ask, saying why they are not saved. */
  function askBeforeLeaving(href) {
    var why = state.hold
      ? "Someone else saved this plan meanwhile, so your text here was not saved."
      : "Your changes on this step could not be saved: " + (state.lastError || "the server did not take them.");
    if (window.confirm(why + "\n\nLeave this page and lose them? Choose Cancel to stay and press Save.")) {
      leave(href);
    } else if (document.querySelector("[data-error-summary]")) {
      focusErrors(document);
    } else {
      var status = document.querySelector("[data-autosave-status]");
      if (status) { status.scrollIntoView({ block: "center" }); }
    }
  }

  function startAutosave() {
    var form = stepForm();
    if (!form) { return; }
    var seconds = parseInt(form.dataset.autosaveSeconds || "30", 10);
    state.dirty = form.hasAttribute("data-unsaved");
    state.hold = form.hasAttribute("data-autosave-hold");
    document.addEventListener("input", function (event) {
      if (event.target.form === stepForm()) { state.dirty = true; }
    });
    document.addEventListener("change", function (event) {
      if (event.target.form === stepForm()) { state.dirty = true; }
    });
    /* The form's own Save buttons post everything; nothing is left for the timer then. A request
       still on its way would change the form under the Save (a new row, the plan's version): wait
       for it, then press the same button on the form as it is then. */
    document.addEventListener("submit", function (event) {
      if (event.target !== stepForm()) { return; }
      if (state.busy) {
        event.preventDefault();
        var value = event.submitter ? event.submitter.value : "save";
        state.busy.then(function () {
          var form = stepForm();
          var button = form.querySelector('button[name=action][value="' + CSS.escape(value) + '"]');
          form.requestSubmit(button || undefined);
        });
        return;
      }
      state.dirty = false;
      state.leaving = true;
    });
    /* Leaving the step by a link with unsaved changes: save first, then go; if it cannot be saved, ask. */
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (!link || !state.dirty || state.leaving || link.origin !== window.location.origin || link.target || link.hasAttribute("download")) { return; }
      if (link.hash && link.pathname === window.location.pathname && link.search === window.location.search) { return; }
      event.preventDefault();
      if (state.hold) { askBeforeLeaving(link.href); return; }
      saveAll().then(function () {
        if (!state.dirty) { leave(link.href); } else { askBeforeLeaving(link.href); }
      });
    });
    window.setInterval(function () { saveInBackground(false); }, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { saveInBackground(false); }
    });
    window.addEventListener("pagehide", function () { saveInBackground(true); });
  }

  /* Any other form that keeps typing (the note to HQ): leaving with text in it warns. */
  function typedElsewhere() {
    return Array.prototype.some.call(document.querySelectorAll("form[data-keep-typing]:not([data-step-form])"), function (form) {
      return Array.prototype.some.call(form.querySelectorAll("textarea"), function (box) { return box.value.trim() !== ""; });
    });
  }

  function watchOtherForms() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.matches("form[data-keep-typing]:not([data-step-form])")) { state.leaving = true; }
      /* Replying to or resolving a comment from a step page leaves the page: save the step first. */
      if (!form.hasAttribute("data-leaves-step") || state.leaving) { return; }
      if (!state.dirty && !state.busy) { state.leaving = true; return; }
      event.preventDefault();
      var send = function () { state.leaving = true; form.submit(); };
      if (state.hold) { askBeforeSending(send); return; }
      saveAll().then(function () { if (!state.dirty) { send(); } else { askBeforeSending(send); } });
    });
  }

  function askBeforeSending(send) {
    var why = state.hold
      ? "Someone else saved this plan meanwhile, so your text on this step was not saved."
      : "Your changes on this step could not be saved: " + (state.lastError || "the server did not take them.");
    if (window.confirm(why + "\n\nSend the comment anyway and lose them? Choose Cancel to stay and press Save.")) { send(); }
  }

  /* Back to this page from the browser's cache: it is not leaving any more. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { state.leaving = false; }
  });

  /* Closing the tab, reloading or any navigation the scripts above did not handle. */
  window.addEventListener("beforeunload", function (event) {
    if (state.leaving || !(state.dirty || typedElsewhere())) { return; }
    event.preventDefault();
    event.returnValue = "";
  });

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
      enhanceLessons(form);
    }
    markScrollableTables();
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    focusErrors(document);
    startAutosave();
    watchOtherForms();
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; markScrollableTables(); });
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
