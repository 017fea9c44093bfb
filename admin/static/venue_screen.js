/* The venue screen (admin/venue_screen.html): the check-in code is fetched anew when its window ends
   (data-window seconds; the first after data-seconds-left), with a countdown beside it. */
(function () {
  "use strict";
  var img = document.getElementById("venue-code");
  var countdown = document.getElementById("venue-countdown");
  var base = img.getAttribute("src");
  var left = Number(img.dataset.secondsLeft), window_ = Number(img.dataset.window);
  setInterval(function () {
    left -= 1;
    if (left <= 0) {
      img.src = base + "?t=" + Date.now();
      left = window_;
    }
    countdown.textContent = left;
  }, 1000);
})();
