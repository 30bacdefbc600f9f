// Follows a background job (an import, a maintenance run) on its progress page: polls the JSON
// status route, moves the bar, and loads the result page when the job has ended (a static file:
// the CSP forbids inline scripts).
(function () {
  var root = document.querySelector('[data-job-progress]');
  if (!root) return;
  var bar = root.querySelector('[data-progress-bar]');
  var meter = root.querySelector('[role=progressbar]');
  function show(name, value) {
    var node = root.querySelector('[data-progress-' + name + ']');
    if (node) node.textContent = value;
  }
  function poll() {
    fetch(root.getAttribute('data-status-url'), {headers: {Accept: 'application/json'}, credentials: 'same-origin'})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (status) {
        var percent = status.total ? Math.round(100 * status.done / status.total) : 0;
        bar.style.width = percent + '%';
        bar.textContent = percent + '%';
        meter.setAttribute('aria-valuenow', status.done);
        meter.setAttribute('aria-valuemax', status.total);
        show('done', status.done);
        show('total', status.total || '…');
        show('rejected', status.rejected);
        if (status.label) show('state', status.label);
        if (status.state === 'done' || status.state === 'failed') {
          window.location.assign(root.getAttribute('data-done-url'));
        } else if (status.state === 'interrupted') {
          root.querySelector('[data-progress-interrupted]').classList.remove('d-none');
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
