// The on-site assessment form: every choice is saved at once; when the connection drops the
// changes wait in this browser (localStorage) and are sent, in order, when it comes back.
// Item scores merge on the server key by key, so sending a change twice is harmless.
(function () {
  "use strict";
  var form = document.getElementById("assess-form");
  if (!form || form.hasAttribute("inert")) return;
  var url = form.dataset.saveUrl;
  var key = "yanglao:" + form.dataset.key + ":pending";
  var state = document.getElementById("save-state");
  var total = Number(state.dataset.total);
  var answered = Number(state.dataset.answered);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    form.querySelectorAll(".js-hide").forEach(function (el) { el.style.display = "none"; });

  function pending() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function keep(queue) {
    if (queue.length) localStorage.setItem(key, JSON.stringify(queue));
    else localStorage.removeItem(key);
  }
  function show(text, kind) {
    state.textContent = text;
    state.className = "save-state " + (kind || "");
  }
  function progress() { return "已评 " + answered + " / " + total + " 项"; }

  function partFor(input) {
    var name = input.name;
    if (/^B\.\d\.\d$/.test(name)) {
      var items = {}; items[name] = Number(input.value); return { items: items };
    }
    if (name === "coma") return { coma: input.checked };
    if (name === "health") {
      return { health: Array.prototype.map.call(
        form.querySelectorAll("input[name=health]:checked"), function (box) { return box.value; }) };
    }
    if (name === "diagnoses") {
      return { diagnoses: input.value.replace(/[，,]/g, " ").split(/\s+/).filter(Boolean)
        .map(function (c) { return c.toUpperCase(); }) };
    }
    if (name.indexOf("risk_") === 0) {
      var events = {}; events[name.slice(5)] = Number(input.value); return { risk_events: events };
    }
    return null;
  }

  // One change travels at a time, in the order made; flush() resolves true when all are stored.
  var inflight = null;
  function flush() {
    if (inflight) return inflight.then(flush);
    var queue = pending();
    if (!queue.length) return Promise.resolve(true);
    if (!navigator.onLine) {
      show(progress() + " · 离线：" + queue.length + " 项改动已暂存在本机，联网后自动上传", "offline");
      return Promise.resolve(false);
    }
    show(progress() + " · 正在保存…", "saving");
    inflight = sendOne(queue[0]).then(function (ok) {
      inflight = null;
      if (ok && pending().length) return flush();
      if (ok) show(progress() + " · 已保存", "saved");
      return ok;
    }, function () {
      inflight = null;
      show(progress() + " · 网络中断：" + pending().length + " 项改动已暂存在本机，将自动重试", "offline");
      return false;
    });
    return inflight;
  }

  function sendOne(part) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ part: part })
    }).then(function (response) {
      if (response.status !== 200 && response.status !== 422) throw new Error("HTTP " + response.status);
      return response.json().then(function (body) {
        keep(pending().slice(1));
        if (response.status === 200) { answered = body.answered; return true; }
        // Refused (e.g. the assessment was closed meanwhile): dropped, and the reason shown.
        var errors = body.errors || {};
        show("未保存：" + Object.keys(errors).map(function (k) { return errors[k]; }).join("；"), "error");
        return false;
      });
    });
  }

  form.addEventListener("change", function (event) {
    var part = partFor(event.target);
    if (!part) return;
    if (part.items) answered = checkedItems();
    var queue = pending(); queue.push(part); keep(queue);
    flush();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); flush(); });

  // Answers chosen here while offline survive a reload: put them back on the page.
  pending().forEach(function (part) {
    Object.keys(part.items || {}).forEach(function (code) {
      var input = form.querySelector('input[name="' + code + '"][value="' + part.items[code] + '"]');
      if (input) input.checked = true;
    });
    if ("coma" in part) form.elements.coma.checked = part.coma;
    if (part.diagnoses) form.elements.diagnoses.value = part.diagnoses.join(" ");
    if (part.health) {
      form.querySelectorAll("input[name=health]").forEach(function (box) {
        box.checked = part.health.indexOf(box.value) >= 0;
      });
    }
    Object.keys(part.risk_events || {}).forEach(function (name) {
      var select = form.elements["risk_" + name]; if (select) select.value = String(part.risk_events[name]);
    });
  });
  function checkedItems() { return form.querySelectorAll("fieldset.item input[type=radio]:checked").length; }
  answered = checkedItems();

  var submitForm = document.getElementById("submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      if (!pending().length) return;
      event.preventDefault();
      flush().then(function (ok) {
        if (ok && !pending().length) submitForm.submit();
        else show(progress() + " · 还有改动未上传，请联网后再提交", "offline");
      });
    });
  }
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  flush();
})();
