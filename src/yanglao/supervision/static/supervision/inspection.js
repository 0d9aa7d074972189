// The inspection checklist on a phone: each item is saved as soon as it is answered; without a
// connection the answers wait in this browser (localStorage) and are sent, in order, when it
// comes back. A 不符合 waits for its finding before it is sent (the server refuses it without).
// Saving an item twice is harmless: the server merges answers by item. Evidence photos taken
// offline wait in IndexedDB and are uploaded the same way; signing waits for both.
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

  // 取证照片 without a connection: kept in this browser (IndexedDB, the photo itself) and sent
  // one by one when the connection returns; a photo the server refuses is dropped with its reason.
  var photoForm = document.getElementById("photo-form");
  var photoState = document.getElementById("photo-state");
  var photosWaiting = 0;
  function photoStore(mode, work) {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var opened = indexedDB.open("yanglao-inspection-photos", 1);
      opened.onupgradeneeded = function () {
        opened.result.createObjectStore("photos", { keyPath: "id", autoIncrement: true });
      };
      opened.onerror = function () { reject(opened.error); };
      opened.onsuccess = function () {
        var db = opened.result;
        var tx = db.transaction("photos", mode);
        var result = work(tx.objectStore("photos"));
        tx.oncomplete = function () { db.close(); resolve(result.value); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      };
    });
  }
  function waitingPhotos() {
    return photoStore("readonly", function (store) {
      var out = { value: [] };
      store.openCursor().onsuccess = function (e) {
        var cursor = e.target.result;
        if (!cursor) return;
        if (cursor.value.key === form.dataset.key) out.value.push(cursor.value);
        cursor.continue();
      };
      return out;
    });
  }
  function showPhotos(text, kind) {
    if (!photoState) return;
    photoState.textContent = text;
    photoState.className = "save-state " + (kind || "");
  }
  function listPhoto(body) {
    var list = document.getElementById("photo-list");
    var empty = list.querySelector("li.muted");
    if (empty) empty.remove();
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = body.url; a.textContent = body.item_code + " · " + body.taken_at;
    li.appendChild(a); list.appendChild(li);
    var count = document.querySelector("#photos .count");
    if (count) count.textContent = list.querySelectorAll("li a").length;
  }
  var sendingPhotos = null;
  function sendPhotos() {
    if (sendingPhotos || !photoForm) return sendingPhotos || Promise.resolve();
    sendingPhotos = waitingPhotos().then(function (photos) {
      photosWaiting = photos.length;
      if (!photos.length) return;
      if (!navigator.onLine) {
        showPhotos("离线：" + photos.length + " 张照片已暂存在本机，联网后自动上传", "offline");
        return;
      }
      return photos.reduce(function (chain, photo) {
        return chain.then(function () {
          var body = new FormData();
          body.append("csrfmiddlewaretoken", csrf);
          body.append("action", "photo");
          body.append("item_code", photo.item_code);
          body.append("photo", photo.blob, photo.name);
          return fetch(location.pathname, {
            method: "POST", credentials: "same-origin", body: body,
            headers: { "Accept": "application/json", "X-CSRFToken": csrf }
          }).then(function (response) {
            if (response.status !== 200 && response.status !== 422) throw new Error("HTTP " + response.status);
            return response.json().then(function (answer) {
              if (response.status === 200) listPhoto(answer);
              else showPhotos("照片 " + photo.item_code + " 未上传：" + Object.values(answer.errors || {}).join("；"), "error");
              return photoStore("readwrite", function (store) { store.delete(photo.id); return {}; });
            }).then(function () { photosWaiting -= 1; });
          });
        });
      }, Promise.resolve()).then(function () {
        if (!photosWaiting && photoState.className.indexOf("error") < 0) showPhotos("照片已上传", "saved");
      });
    }).catch(function () {
      showPhotos("网络中断：照片已暂存在本机，将自动重试", "offline");
    }).then(function () { sendingPhotos = null; });
    return sendingPhotos;
  }
  if (photoForm) {
    photoForm.addEventListener("submit", function (event) {
      if (navigator.onLine) return;  // online: the form posts as usual
      event.preventDefault();
      var file = photoForm.elements.photo.files[0];
      var item = photoForm.elements.item_code.value;
      if (!file || !item) { showPhotos("请选择检查项和照片", "error"); return; }
      photoStore("readwrite", function (store) {
        store.add({ key: form.dataset.key, item_code: item, name: file.name, blob: file, at: Date.now() });
        return {};
      }).then(function () {
        photoForm.reset();
        sendPhotos();
      }, function () {
        showPhotos("本机无法暂存照片，请联网后上传", "error");
      });
    });
  }

  form.addEventListener("submit", function (event) {
    if (photosWaiting) {
      event.preventDefault();
      show("还有照片未上传，请联网后再签署", "offline");
      return;
    }
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
  window.addEventListener("online", sendPhotos);
  setInterval(flush, 5000);
  setInterval(sendPhotos, 5000);
  flush();
  sendPhotos();
})();
