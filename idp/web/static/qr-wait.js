// The login page's QR code: ask every two seconds whether the phone finished this login, then go to
// the interaction's page (which answers the service: the first page may have been shown at the
// authorization endpoint's address, which would start another login). Without JavaScript the
// "continue" link does the same.
(function () {
  var section = document.querySelector("[data-progress]");
  if (!section) { return; }
  var url = section.getAttribute("data-progress");
  var next = section.getAttribute("data-continue");
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : { finished: false, gone: true }; })
      .then(function (state) {
        if (state.finished || state.gone) { window.location.assign(next); } else { setTimeout(poll, 2000); }
      })
      .catch(function () { setTimeout(poll, 4000); });
  }
  setTimeout(poll, 2000);
})();
