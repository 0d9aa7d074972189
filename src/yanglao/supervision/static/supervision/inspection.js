// The inspection checklist on a phone: each item is saved as soon as it is answered; without a
// connection the answers wait in this browser (localStorage) and are sent, in order, when it
// comes back. A 不符合 waits for its finding before it is sent (the server refuses it without).
// Saving an item twice is harmless: the server merges answers by item.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form || form.hasAttribute("inert")) return;
  var url = form.dataset.saveUrl;
  var key = "yanglao:" + form.dataset.key + ":pending";
  var state = document.getElementById("save-state");
  var total = Number(state.dataset.total);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function pending() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function keep(queue) {
    if (Object.keys(queue).length) localStorage.setItem(key, JSON.stringify(queue));
    else localStorage.removeItem(key);
  }
  function answered() {
    return form.querySelectorAll("fieldset.check-item input[type=radio]:checked").length;
  }
  function show(text, kind) {
    state.textContent = "已检查 " + answered() + " / " + total + " 项 · " + text;
    state.className = "save-state " + (kind || "");
  }
  function answerOf(code) {
    var chosen = form.querySelector('input[name="r-' + code + '"]:checked');
    var note = form.querySelector('input[name="n-' + code + '"]');
    return chosen ? { result: chosen.value, note: note ? note.value : "" } : null;
  }
  function ready(queue) {
    var out = {}, waiting = [];
    Object.keys(queue).forEach(function (code) {
      var a = queue[code];
      if (a.result === "fail" && !a.note.trim()) waiting.push(code); else out[code] = a;
    });
    return { send: out, waiting: waiting };
  }

  var inflight = null;
  function flush() {
    if (inflight) return inflight;
    var queue = pending();
    var split = ready(queue);
    var codes = Object.keys(split.send);
    var hint = split.waiting.length ? "；" + split.waiting.join("、") + " 不符合，请写明检查发现" : "";
    if (!codes.length) {
      show((split.waiting.length ? "待填写" : "已保存") + hint, split.waiting.length ? "offline" : "saved");
      return Promise.resolve(!split.waiting.length);
    }
    if (!navigator.onLine) {
      show("离线：" + codes.length + " 项已暂存在本机，联网后自动上传" + hint, "offline");
      return Promise.resolve(false);
    }
    show("正在保存…", "saving");
    inflight = fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ answers: split.send })
    }).then(function (response) {
      if (response.status !== 200 && response.status !== 422) throw new Error("HTTP " + response.status);
      return response.json().then(function (body) {
        var left = pending();
        codes.forEach(function (code) {
          if (left[code] && JSON.stringify(left[code]) === JSON.stringify(split.send[code])) delete left[code];
        });
        keep(left);
        inflight = null;
        if (response.status === 200) { show("已保存" + hint, "saved"); return true; }
        var errors = body.errors || {};
        show("未保存：" + Object.keys(errors).map(function (k) { return k + " " + errors[k]; }).join("；"), "error");
        return false;
      });
    }, function () {
      inflight = null;
      show("网络中断：" + codes.length + " 项已暂存在本机，将自动重试" + hint, "offline");
      return false;
    });
    return inflight;
  }

  function remember(code) {
    var answer = answerOf(code);
    if (!answer) return;
    var queue = pending(); queue[code] = answer; keep(queue);
    flush();
  }
  form.addEventListener("change", function (event) {
    var box = event.target.closest("fieldset.check-item");
    if (box) remember(box.dataset.code);
  });

  // Answers given here while offline survive a reload: put them back on the page.
  var queue = pending();
  Object.keys(queue).forEach(function (code) {
    var radio = form.querySelector('input[name="r-' + code + '"][value="' + queue[code].result + '"]');
    if (radio) radio.checked = true;
    var note = form.querySelector('input[name="n-' + code + '"]');
    if (note) note.value = queue[code].note;
  });

  form.addEventListener("submit", function (event) {
    if (!Object.keys(pending()).length) return;
    var submitter = event.submitter;
    event.preventDefault();
    flush().then(function (ok) {
      if (ok && !Object.keys(pending()).length) {
        if (submitter) { var h = document.createElement("input"); h.type = "hidden"; h.name = submitter.name; h.value = submitter.value; form.appendChild(h); }
        form.submit();
      } else show("还有检查结果未上传，请联网后再签署", "offline");
    });
  });

  // 到场签到: the phone's position, when it gives one.
  var checkin = document.getElementById("checkin-form");
  if (checkin && navigator.geolocation) {
    var note = document.getElementById("checkin-state");
    navigator.geolocation.getCurrentPosition(function (pos) {
      checkin.elements.lat.value = pos.coords.latitude;
      checkin.elements.lng.value = pos.coords.longitude;
      checkin.elements.accuracy.value = Math.round(pos.coords.accuracy);
      note.textContent = "已取得定位（精度约 " + Math.round(pos.coords.accuracy) + " 米）。";
    }, function () {
      note.textContent = "未能取得定位，请写明原因后签到。";
    }, { enableHighAccuracy: true, timeout: 10000 });
  }
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  flush();
})();
