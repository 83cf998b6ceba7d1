// Counts the session inspector's deadlines down (templates/inspector/_clocks.html) and, when
// the first one is reached, says that the next request starts a fresh session. The page
// gives the seconds left as the server counted them just before it answered. Counting from
// when that answer arrived (Navigation Timing's responseStart), rather than from the
// visitor's clock, keeps a wrong clock out of it; and rather than from when this script runs,
// keeps out the time a busy browser takes to get there.
"use strict";

(function () {
  const clocks = document.querySelectorAll("[data-seconds-left]");
  const over = document.querySelector("[data-testid='session-over'] p");
  if (!clocks.length || !over) return;
  const navigation = performance.getEntriesByType("navigation")[0];
  const start = navigation ? navigation.responseStart : performance.now();

  function tick() {
    const elapsed = (performance.now() - start) / 1000;
    let ended = false;
    for (const clock of clocks) {
      const left = Math.max(0, Number(clock.dataset.secondsLeft) - elapsed);
      clock.textContent = Math.ceil(left);
      ended = ended || left === 0;
    }
    if (ended) {
      over.hidden = false;
    } else {
      setTimeout(tick, 200);
    }
  }
  tick();
})();
