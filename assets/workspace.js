// Small browser-side behaviours of the workspace that need no server round trip.
(function () {
  "use strict";

  // The agent's time zone for times the server writes (state/session.py reads this cookie
  // with the tab's first event); the server checks the name and falls back to UTC.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      document.cookie =
        "aw_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Strict";
    }
  } catch (e) {
    /* no Intl: times stay in UTC, and say so */
  }

  // Canned replies by their shortcut ("/ref" in the Message box): while the list is open,
  // Enter and Tab insert the highlighted reply, the arrows move the highlight and Escape
  // closes the list. Enter on a shortcut the list has not caught up with yet waits for it
  // (the server answers each keystroke): "/ref" and a quick Enter never sends "/ref".
  var highlight = 0;
  var shownSearch = null;
  var pendingChoice = false;
  var escapedValue = null;

  function replyList() {
    return document.querySelector('ul[aria-label="Canned replies"]');
  }

  function replyButtons(list) {
    return Array.prototype.slice.call(list.querySelectorAll("button"));
  }

  function showHighlight() {
    var list = replyList();
    if (!list) {
      shownSearch = null;
      return;
    }
    if (list.dataset.search !== shownSearch) {
      shownSearch = list.dataset.search;
      highlight = 0;
    }
    var buttons = replyButtons(list);
    highlight = Math.max(0, Math.min(highlight, buttons.length - 1));
    buttons.forEach(function (button, i) {
      var on = i === highlight;
      if (on) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
      button.style.background = on ? "var(--accent-a4)" : "";
    });
  }

  function shortcutOf(box) {
    return /^\/\S*$/.test(box.value) ? box.value.slice(1) : null;
  }

  function chooseIfCaughtUp(box) {
    // The list shows the shortcut now typed: insert its highlighted reply (none: nothing).
    var list = replyList();
    var search = shortcutOf(box);
    if (!list || search === null || list.dataset.search !== search) return false;
    var buttons = replyButtons(list);
    showHighlight();
    if (buttons.length) buttons[highlight].click();
    return true;
  }

  function resolvePending() {
    if (!pendingChoice) return;
    var box = document.getElementById("compose-body");
    if (!box || shortcutOf(box) === null) {
      pendingChoice = false;
      return;
    }
    if (chooseIfCaughtUp(box)) pendingChoice = false;
  }

  document.addEventListener(
    "keydown",
    function (event) {
      var box = event.target;
      if (!box || box.id !== "compose-body" || event.isComposing) return;
      var list = replyList();
      var key = event.key;
      if (key !== "Enter" && key !== "Tab") pendingChoice = false;
      if (key === "Escape" && list) {
        event.preventDefault();
        escapedValue = box.value;
        var close = document.getElementById("replies-close");
        if (close) close.click();
        return;
      }
      if ((key === "ArrowDown" || key === "ArrowUp") && list && replyButtons(list).length) {
        event.preventDefault();
        highlight += key === "ArrowDown" ? 1 : -1;
        showHighlight();
        return;
      }
      if ((key !== "Enter" && key !== "Tab") || event.shiftKey || event.altKey) return;
      if (event.ctrlKey || event.metaKey) return;
      if (shortcutOf(box) === null || box.value === escapedValue) return;
      var caughtUp = list && list.dataset.search === shortcutOf(box);
      if (caughtUp && !replyButtons(list).length) return; // no reply matches: as usual
      event.preventDefault();
      event.stopImmediatePropagation();
      if (!chooseIfCaughtUp(box)) pendingChoice = true;
    },
    true
  );

  // Enter sends, Shift+Enter makes a new line (the composer's Message box).
  document.addEventListener(
    "keydown",
    function (event) {
      var box = event.target;
      if (!box || box.id !== "compose-body" || event.key !== "Enter") return;
      if (event.shiftKey || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      event.preventDefault();
      var send = document.getElementById("compose-send");
      if (!send || send.disabled) return;
      // Blur first: the box sends its latest text on blur, before Send is clicked.
      box.blur();
      setTimeout(function () {
        send.click();
      }, 0);
    },
    true
  );

  // The conversation: a new message scrolls into view when the agent is at the bottom,
  // otherwise a "New messages" marker appears; day separators show once per day.
  var atBottom = true;
  var lastCount = -1;
  var lastList = null;

  function scroller() {
    return document.getElementById("messages-scroller");
  }

  function nearBottom(el) {
    return el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  function toBottom(el) {
    el.scrollTop = el.scrollHeight;
  }

  function marker(show) {
    var button = document.getElementById("new-messages");
    if (button) button.hidden = !show;
  }

  function dedupeDays() {
    var lists = document.querySelectorAll('[role="list"]');
    lists.forEach(function (list) {
      var previous = null;
      list.querySelectorAll(".aw-day").forEach(function (day) {
        var text = day.textContent;
        day.style.display = text === previous ? "none" : "";
        previous = text;
      });
    });
  }

  function labelFilePickers() {
    // The picker behind "Attach File" is a hidden input: give it the button's name, and the
    // types the channel allows to offer first (the server judges every file by its bytes).
    document.querySelectorAll(".rx-Upload input[type=file]").forEach(function (input) {
      if (!input.hasAttribute("aria-label")) input.setAttribute("aria-label", "Attach File");
      var root = input.closest(".rx-Upload");
      var accept = root && root.getAttribute("data-accept");
      if (accept && input.getAttribute("accept") !== accept) input.setAttribute("accept", accept);
    });
  }

  function watchScrolling(el) {
    // Only the agent leaves the bottom: a scroll with their wheel, touch, keys or scrollbar.
    // Scroll events also come from the list changing under a still agent (a message arriving,
    // older ones loading in, one event per frame for several changes); judged by position
    // alone, one of those could stop the conversation following new messages for good.
    if (el.dataset.awWatched) return;
    el.dataset.awWatched = "1";
    var handledAt = 0;
    var byAgent = function () {
      handledAt = Date.now();
    };
    ["wheel", "touchmove", "keydown", "pointerdown"].forEach(function (type) {
      el.addEventListener(type, byAgent, { passive: true });
    });
    el.addEventListener("scroll", function () {
      if (nearBottom(el)) atBottom = true;
      else if (Date.now() - handledAt < 1000) atBottom = false;
      if (atBottom) marker(false);
    });
  }

  function onChange() {
    dedupeDays();
    var el = scroller();
    var list = document.getElementById("messages");
    if (!el || !list) {
      lastCount = -1;
      lastList = null;
      return;
    }
    var count = list.querySelectorAll('[role="listitem"]').length;
    if (list !== lastList) {
      // Another conversation opened: start at its latest message.
      lastList = list;
      lastCount = count;
      toBottom(el);
      atBottom = true;
      marker(false);
      watchScrolling(el);
      return;
    }
    if (count > lastCount) {
      if (atBottom) toBottom(el);
      else marker(true);
    }
    lastCount = count;
  }

  // What the agent types in Message is kept in this browser, per agent and interaction
  // (data-draft-key), until it is sent: the server's copy lives with the tab's state, which a
  // lost database or Redis, a reload or an expired sign-in can take away. A composer that
  // opens empty gets the kept text back. Kept drafts go after a week, the oldest past 50.
  var DRAFT = "aw-draft:";
  var DRAFT_DAYS = 7;
  var MAX_DRAFTS = 50;
  var restoredBox = null;
  var restoredKey = null;

  function draftKeys() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(DRAFT) === 0) keys.push(key);
    }
    return keys;
  }

  function readDraft(key) {
    try {
      var kept = JSON.parse(localStorage.getItem(key) || "null");
      return kept && typeof kept.text === "string" ? kept : null;
    } catch (e) {
      return null;
    }
  }

  function pruneDrafts() {
    var oldest = Date.now() - DRAFT_DAYS * 86400000;
    var kept = [];
    draftKeys().forEach(function (key) {
      var draft = readDraft(key);
      if (!draft || !(draft.at > oldest)) localStorage.removeItem(key);
      else kept.push([draft.at, key]);
    });
    kept.sort(function (a, b) { return a[0] - b[0]; });
    kept.slice(0, Math.max(0, kept.length - MAX_DRAFTS)).forEach(function (item) {
      localStorage.removeItem(item[1]);
    });
  }

  function keepDraft(box) {
    var key = box.dataset.draftKey;
    if (!key) return;
    try {
      if (box.value) localStorage.setItem(DRAFT + key, JSON.stringify({ text: box.value, at: Date.now() }));
      else localStorage.removeItem(DRAFT + key);
    } catch (e) {
      /* storage full or off: the server's copy is all there is */
    }
  }

  function restoreDraft() {
    var box = document.getElementById("compose-body");
    var key = box && box.dataset.draftKey;
    if (!box || !key || (box === restoredBox && key === restoredKey)) return;
    restoredBox = box;
    restoredKey = key;
    var draft = readDraft(DRAFT + key);
    if (!draft || !draft.text || box.value) return;
    // As if typed: React's own value setter, then the input event its onChange listens to.
    var setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    setter.call(box, draft.text);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  window.awDrafts = {
    forget: function (key) {
      try {
        localStorage.removeItem(DRAFT + key);
      } catch (e) {
        /* nothing kept */
      }
    },
  };

  document.addEventListener(
    "input",
    function (event) {
      if (event.target && event.target.id === "compose-body") keepDraft(event.target);
    },
    true
  );
  try {
    pruneDrafts();
  } catch (e) {
    /* storage off */
  }

  // The reconnecting banner (components/outage.py): when the server's reason clears, the
  // page reloads itself, a moment apart from the other tabs, to show what changed meanwhile
  // and to sign in again from its stored session. The draft comes back (above).
  var outageShown = false;
  var reloading = false;

  function followOutage() {
    var banner = document.getElementById("aw-outage");
    var now = !!(banner && banner.dataset.outage);
    if (outageShown && !now && !reloading) {
      reloading = true;
      setTimeout(function () {
        window.location.reload();
      }, 500 + Math.random() * 2000);
    }
    outageShown = now;
  }


  // Keyboard shortcuts. components/shortcuts.py holds their table; the workspace page carries
  // it (#aw-keymap), and the help dialog lists the same table. Each key clicks or focuses what
  // is on the page already, so it does what the agent's click would (the same questions, the
  // same checks on the server). None fires while the agent types in a field, with Ctrl, Alt or
  // Meta held, or while a dialog or menu is open; the help dialog's switch turns them off in
  // this browser.
  var KEYS_OFF = "aw-keys-off";
  var TYPING =
    "input, textarea, select, [contenteditable]:not([contenteditable='false']), [role=textbox]," +
    " [role=combobox], [role=listbox], [role=menu], [role=menuitem]";
  var OPEN_LAYER =
    "[role=dialog][data-state=open], [role=alertdialog][data-state=open]," +
    " [role=menu][data-state=open]";
  var keyPrefix = null; // the first key of a two-key shortcut (g, then i)

  function keysOn() {
    try {
      return localStorage.getItem(KEYS_OFF) !== "1";
    } catch (e) {
      return true;
    }
  }

  function keymap() {
    var el = document.getElementById("aw-keymap");
    if (!el) return null;
    try {
      return JSON.parse(el.dataset.keymap || "[]");
    } catch (e) {
      return null;
    }
  }

  function rows() {
    var list = document.getElementById("conversations");
    return list ? Array.prototype.slice.call(list.querySelectorAll("a[href]")) : [];
  }

  var opening = null; // the path of the row a key opened, until the router's URL names it

  function openRow(link) {
    if (!link) return;
    opening = link.pathname;
    // The conversation opening leaves the cursor on the row (state/compose_message.py): the
    // next j moves on instead of typing into Message.
    window.awListCursor = true;
    link.focus();
    link.click();
  }

  function currentRow(links) {
    // The row a key just opened has the focus before the router has changed the URL: quick
    // presses each move one row on from it, not from where the URL still is.
    var focused = links.indexOf(document.activeElement);
    if (focused >= 0) return focused;
    for (var i = 0; i < links.length; i++) {
      if (links[i].pathname === window.location.pathname) return i;
    }
    return -1;
  }

  function move(step) {
    var links = rows();
    var here = currentRow(links);
    openRow(here < 0 ? links[0] : links[here + step]); // past either end: it stays
  }

  var ACTIONS = {
    next: function () {
      move(1);
    },
    previous: function () {
      move(-1);
    },
    first: function () {
      openRow(rows()[0]);
    },
    activate: function (targets) {
      window.awListCursor = false; // r opens Compose SMS: its Message takes the cursor
      waitingTargets = null;
      if (!conversationComing() && activateShown(targets)) return;
      // A form still loading (components/forms.py -> once_loaded) will bring the target:
      // the key acts when it is there, unless the agent does something else first.
      if (loading()) waitingTargets = targets;
    },
  };

  var waitingTargets = null; // a shortcut pressed while its target was still loading

  // Still loading: a form (components/forms.py -> once_loaded), or the conversation the URL
  // names, which a row's click opens at once and the server's answer brings
  // (components/conversation.py marks the pane with its id).
  function loading() {
    return !!document.querySelector("[data-aw-loading]") || conversationComing();
  }

  // Until it comes, what the page shows belongs to the conversation before: a key waits. The
  // row a key opened names it before the router's URL does (the navigation is not at once).
  function conversationComing() {
    if (opening === location.pathname) opening = null;
    var opened = (opening || location.pathname).match(/^\/interactions\/(\d+)\/?$/);
    return !!opened && !document.querySelector('[data-aw-conversation="' + opened[1] + '"]');
  }

  function activateShown(targets) {
    for (var i = 0; i < targets.length; i++) {
      var el = document.getElementById(targets[i]);
      if (!el || el.disabled || !el.getClientRects().length) continue;
      if (el.matches("input, textarea, select")) el.focus();
      else el.click();
      return true;
    }
    return false;
  }

  function activateWaiting() {
    // Called on every change of the page: the loaded form mounts in one of them.
    if (!waitingTargets || conversationComing()) return;
    if (activateShown(waitingTargets) || !loading()) {
      waitingTargets = null;
    }
  }

  function shortcutFor(map, pressed) {
    for (var i = 0; i < map.length; i++) {
      if (map[i].keys.join(" ") === pressed.join(" ")) return map[i];
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    waitingTargets = null; // the agent moved on: a key pressed before is forgotten
    if (event.defaultPrevented || event.isComposing || event.repeat) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var map = keymap();
    var target = event.target;
    if (!map || !keysOn() || (target && target.isContentEditable)) return;
    if (target && target.closest && target.closest(TYPING)) return;
    if (document.querySelector(OPEN_LAYER)) return;
    var pressed = keyPrefix ? [keyPrefix, event.key] : [event.key];
    keyPrefix = null;
    var shortcut = shortcutFor(map, pressed) || shortcutFor(map, [event.key]);
    if (shortcut) {
      // Not typed anywhere: "r" focuses Message, and Message must not start with an "r".
      event.preventDefault();
      ACTIONS[shortcut.action](shortcut.targets);
      return;
    }
    var starts = map.some(function (s) {
      return s.keys.length > 1 && s.keys[0] === event.key;
    });
    if (starts) keyPrefix = event.key;
  });

  // The list cursor lasts while the agent stays on the rows by keyboard.
  document.addEventListener(
    "pointerdown",
    function () {
      window.awListCursor = false;
      waitingTargets = null;
      opening = null;
    },
    true
  );
  document.addEventListener("focusin", function (event) {
    var list = document.getElementById("conversations");
    if (!list || !list.contains(event.target)) window.awListCursor = false;
  });

  function keepListCursor() {
    // A row redrawn under the focus drops it on the page: back to the open conversation's row.
    if (!window.awListCursor || (document.activeElement && document.activeElement !== document.body)) {
      return;
    }
    var links = rows();
    var here = currentRow(links);
    if (here >= 0) links[here].focus();
  }

  // aria-keyshortcuts tells a screen reader which key does what: with the keys off in this
  // browser none does, so the attribute is kept aside (data-aw-keys) until they are on again.
  function advertiseKeys() {
    var on = keysOn();
    var from = on ? "data-aw-keys" : "aria-keyshortcuts";
    var to = on ? "aria-keyshortcuts" : "data-aw-keys";
    var found = document.querySelectorAll("[" + from + "]");
    for (var i = 0; i < found.length; i++) {
      found[i].setAttribute(to, found[i].getAttribute(from));
      found[i].removeAttribute(from);
    }
  }

  function showKeysSwitch() {
    var box = document.getElementById("aw-keys-on");
    if (!box || box.dataset.awShown) return;
    box.dataset.awShown = "1";
    box.checked = keysOn();
  }

  document.addEventListener("change", function (event) {
    if (!event.target || event.target.id !== "aw-keys-on") return;
    try {
      if (event.target.checked) localStorage.removeItem(KEYS_OFF);
      else localStorage.setItem(KEYS_OFF, "1");
    } catch (e) {
      /* storage off: they stay on for this page */
    }
    advertiseKeys();
  });

  var pending = false;
  new MutationObserver(function () {
    // At once, not at the next frame: a frame can be late (or never come, for a page that is
    // not visible), and the picker must never be on the page without its name.
    labelFilePickers();
    showHighlight();
    resolvePending();
    restoreDraft();
    followOutage();
    keepListCursor();
    activateWaiting();
    showKeysSwitch();
    advertiseKeys();
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      onChange();
    });
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["data-outage", "data-draft-key", "aria-keyshortcuts"],
  });

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("#new-messages");
    if (!button) return;
    var el = scroller();
    if (el) toBottom(el);
    atBottom = true;
    marker(false);
  });

  // Optional ways to hear about new messages (off until the agent turns them on).
  function beep() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var audio = new Context();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.08;
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.15);
    } catch (e) {
      /* no sound available */
    }
  }

  window.awAskNotifications = function () {
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission();
    }
  };

  window.awAlert = function (alert) {
    if (alert.sound) beep();
    if (alert.desktop && "Notification" in window && Notification.permission === "granted") {
      var note = new Notification("Agent Workspace", { body: alert.text, tag: "aw-" + alert.id });
      note.onclick = function () {
        window.focus();
        window.location.assign("/interactions/" + alert.id);
      };
    }
  };

  // Away after idle minutes (services/interactions/idle.py): no key, click, pointer move or
  // scroll in any of the agent's tabs for the server's idle time (#aw-idle data-away-after,
  // 0: never) turns an Available agent Away, once; their next activity in any tab turns them
  // back. The tabs share the last activity and the report through localStorage, so an agent
  // working in one tab is not idle in another. Only the browser keeps time: the server runs
  // no timer per tab, and hears of idleness twice per absence.
  var ACTIVITY_KEY = "aw_last_activity";
  var IDLE_KEY = "aw_idle_reported";
  var lastActivity = Date.now();
  var lastWritten = 0;
  var ownIdle = false; // without storage: this tab's own report

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
      return true;
    } catch (e) {
      return false; // no storage: this tab alone
    }
  }

  function idleReported() {
    return ownIdle || stored(IDLE_KEY) === "1";
  }

  function clickById(id) {
    var button = document.getElementById(id);
    if (button) button.click();
    return Boolean(button);
  }

  function noteActivity() {
    lastActivity = Date.now();
    if (lastActivity - lastWritten > 1000) {
      lastWritten = lastActivity;
      store(ACTIVITY_KEY, String(lastActivity));
    }
    if (idleReported() && clickById("aw-came-back")) {
      ownIdle = false;
      store(IDLE_KEY, null);
    }
  }

  ["keydown", "mousedown", "mousemove", "wheel", "touchstart", "scroll"].forEach(function (name) {
    document.addEventListener(name, noteActivity, { capture: true, passive: true });
  });

  window.setInterval(function () {
    var watch = document.getElementById("aw-idle");
    var status = document.getElementById("presence");
    var after = watch ? parseInt(watch.getAttribute("data-away-after") || "0", 10) : 0;
    if (!after || idleReported() || !status || status.value !== "available") return;
    var last = Math.max(lastActivity, parseInt(stored(ACTIVITY_KEY) || "0", 10) || 0);
    if (Date.now() - last >= after && clickById("aw-went-idle")) {
      ownIdle = !store(IDLE_KEY, "1");
    }
  }, 1000);

  // The skip link: focus the list of conversations (the next Tab is its first row) without a
  // hash in the URL, which the router would take for a page change. Captured before React's
  // own handler: the router's link leaves a click that is already handled alone.
  document.addEventListener(
    "click",
    function (event) {
      var link = event.target && event.target.closest && event.target.closest("a.aw-skip");
      if (!link) return;
      var target = document.getElementById(link.hash.slice(1));
      if (!target) return;
      event.preventDefault();
      target.focus();
    },
    true
  );
})();
