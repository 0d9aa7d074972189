// Check-in and check-out send the phone's location: fill the hidden lat/lng of a form marked
// data-geo before it is sent. Without a location the form is still sent and the server says why.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (!form.hasAttribute("data-geo") || form.dataset.located) return;
  ev.preventDefault();
  var send = function () { form.dataset.located = "1"; form.submit(); };
  if (!navigator.geolocation) return send();
  var status = form.querySelector(".geo-status");
  if (status) status.textContent = "正在定位…";
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
    form.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(6);
    send();
  }, send, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
});
