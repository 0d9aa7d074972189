// Fill the check-in location from the phone for an 上门 visit; say so when it is not available.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  var state = document.getElementById("geo-state");
  if (!form || !navigator.geolocation) { if (state) state.textContent = "此设备无法定位：上门探访需要签到位置"; return; }
  state.textContent = "正在获取签到位置…";
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.elements.lat.value = pos.coords.latitude.toFixed(6);
    form.elements.lng.value = pos.coords.longitude.toFixed(6);
    state.textContent = "已获取签到位置（精度约 " + Math.round(pos.coords.accuracy) + " 米）";
  }, function () {
    state.textContent = "未能获取位置：请允许定位后刷新；电话探访不需要位置";
  }, { enableHighAccuracy: true, timeout: 15000 });
})();
