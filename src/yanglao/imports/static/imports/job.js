// While the worker checks or imports the file, show its progress; reload when it is done.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.running !== "1") return;
  var url = box.dataset.statusUrl;
  function poll() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("job-status").textContent = s.status_name;
      document.getElementById("job-phase").textContent = s.phase || "";
      document.getElementById("job-progress").value = s.percent;
      document.getElementById("job-rows").textContent =
        s.rows_done.toLocaleString("zh-CN") + " / " + s.rows_total.toLocaleString("zh-CN");
      if (s.running) setTimeout(poll, 1000); else location.reload();
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
