// The visit form on a phone: fill the check-in location; send the record with fetch, and when the
// connection drops keep it in this browser and send it when the network is back. The record
// carries its submission id, so sending it twice stores it once.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  var state = document.getElementById("geo-state");
  if (!form) return;
  var key = "yanglao:" + form.dataset.key + ":pending";
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text) { state.textContent = text; }

  if (navigator.geolocation) {
    say("正在获取签到位置…");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lng.value = pos.coords.longitude.toFixed(6);
      say("已获取签到位置（精度约 " + Math.round(pos.coords.accuracy) + " 米）");
    }, function () {
      say("未能获取位置：请允许定位后刷新；电话探访不需要位置");
    }, { enableHighAccuracy: true, timeout: 15000 });
  } else {
    say("此设备无法定位：上门探访需要签到位置");
  }

  function toPlain(data) {  // FormData → storable object (a photo cannot wait in storage)
    var out = {};
    data.forEach(function (value, name) {
      if (typeof value !== "string") return;
      (out[name] = out[name] || []).push(value);
    });
    return out;
  }
  function toForm(plain) {
    var data = new FormData();
    Object.keys(plain).forEach(function (name) {
      plain[name].forEach(function (v) { data.append(name, v); });
    });
    return data;
  }
  function send(data) {
    return fetch(location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); });
  }
  function handle(result) {
    if (result.status === 200) {
      localStorage.removeItem(key);
      location.href = result.body.next;
      return;
    }
    localStorage.removeItem(key);
    var errors = result.body.errors || {};
    say("未提交：" + Object.keys(errors).map(function (k) { return errors[k]; }).join("；"));
  }
  function flush() {
    var waiting = localStorage.getItem(key);
    if (!waiting || !navigator.onLine) return;
    say("网络已恢复，正在提交暂存的探访记录…");
    send(toForm(JSON.parse(waiting))).then(handle).catch(function () {
      say("网络仍不稳定：探访记录已暂存在本机，将自动重试");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    send(data).then(handle).catch(function () {
      localStorage.setItem(key, JSON.stringify(toPlain(data)));
      say("网络中断：探访记录已暂存在本机（照片除外），联网后自动提交");
    });
  });
  window.addEventListener("online", flush);
  setInterval(flush, 10000);
  flush();
})();
