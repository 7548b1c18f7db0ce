// The citizen's pages: large text, and a ticket page that stays live (server-sent events,
// reconnecting by itself), vibrates and sounds when its number is called. Works without it.
"use strict";
(function () {
  const root = document.documentElement;
  if (localStorage.getItem("hw-big") === "1") root.classList.add("big");
  document.addEventListener("DOMContentLoaded", function () {
    const big = document.getElementById("bigtext");
    if (big) {
      big.setAttribute("aria-pressed", root.classList.contains("big") ? "true" : "false");
      big.addEventListener("click", function () {
        const on = root.classList.toggle("big");
        localStorage.setItem("hw-big", on ? "1" : "0");
        big.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }
    const ticket = document.getElementById("ticket");
    if (ticket && ticket.dataset.events) live(ticket);
  });

  function say(el, x) {
    if (!el || !x) return;
    el.textContent = "";
    el.appendChild(document.createTextNode(x.zh));
    const en = document.createElement("span");
    en.className = "en";
    en.textContent = x.en;
    el.appendChild(en);
  }

  let audio = null;
  function beep() {
    if (!audio) return;
    [0, 0.45].forEach(function (at) {
      const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880; g.gain.value = 0.25;
      o.connect(g); g.connect(audio.destination);
      o.start(audio.currentTime + at); o.stop(audio.currentTime + at + 0.3);
    });
  }

  function live(ticket) {
    const url = ticket.dataset.events;
    const shown = ticket.dataset.state;
    const key = "hw-rem-" + location.pathname;
    let recalls = parseInt(ticket.dataset.recalls || "0", 10);
    let state = shown;
    const sound = document.getElementById("sound");
    if (sound && window.AudioContext) {
      sound.hidden = false;
      sound.addEventListener("click", function () {
        audio = audio || new AudioContext();
        audio.resume();
        sound.hidden = true;
        beep();
      });
    }
    const inPlace = ["waiting", "called", "serving"];
    let source = null;
    function reload() {  // the page is rendered anew by the server; never in a loop
      source.close();
      const n = parseInt(sessionStorage.getItem("hw-reloads") || "0", 10);
      sessionStorage.setItem("hw-reloads", String(n + 1));
      setTimeout(function () { location.replace(location.pathname + "?fresh=1"); }, n > 3 ? 15000 : 0);
    }
    setTimeout(function () { sessionStorage.removeItem("hw-reloads"); }, 60000);
    function connect() {
      source = new EventSource(url);
      source.onopen = function () { document.getElementById("conn").hidden = true; };
      source.onerror = function () {
        document.getElementById("conn").hidden = false;
        if (source.readyState === EventSource.CLOSED) setTimeout(connect, 10000);
      };
      source.addEventListener("state", function (ev) {
        const s = JSON.parse(ev.data);
        ticket.dataset.live = s.state;
        if (s.state === "gone" || (s.state !== state && (inPlace.indexOf(s.state) < 0 || inPlace.indexOf(state) < 0))) {
          if (s.state !== shown) reload();
          return;
        }
        const called = s.state === "called" && (state !== "called" || s.recalls > recalls);
        state = s.state; recalls = s.recalls || 0;
        ticket.className = "card ticket state-" + s.state;
        const remind = document.querySelector("section.remind");
        if (remind) remind.hidden = s.state !== "waiting" && s.state !== "arriving";
        say(document.getElementById("headline"), s.headline);
        say(document.getElementById("detail"), s.detail);
        if (called) {
          if (navigator.vibrate) navigator.vibrate([500, 250, 500, 250, 500]);
          beep();
        }
        if (s.reminder) {
          const box = document.getElementById("reminder");
          say(box, s.reminder);
          box.hidden = false;
          const done = (localStorage.getItem(key) || "");
          const now = (s.reminded || []).join(",");
          if (done !== now) {
            localStorage.setItem(key, now);
            if (navigator.vibrate) navigator.vibrate([300, 200, 300]);
            beep();
          }
        }
      });
    }
    connect();
  }
})();
