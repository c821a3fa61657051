// A job's page while the job is queued or running: ask for its state every two seconds,
// move the progress bar, and reload the page once the job has finished (the page then
// shows the download, the result or the error). Served as a static file: the site's
// Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var figure = box.querySelector("[data-job-progress]");

  function show(status) {
    if (status.total && bar) {
      bar.max = status.total;
      bar.value = status.done;
    }
    if (status.total && figure) {
      figure.textContent = status.done.toLocaleString() + " of " + status.total.toLocaleString();
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        if (status.finished) {
          window.location.reload();
          return;
        }
        show(status);
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
