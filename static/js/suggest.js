// Autocomplete for every search box: fill its <datalist> from /search/suggest as the user types.
document.querySelectorAll('input[data-suggest-url]').forEach(function (input) {
  var list = document.getElementById(input.getAttribute('list')), timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (!q) { list.replaceChildren(); return; }
      fetch(input.dataset.suggestUrl + '?q=' + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.suggestions.map(function (s) {
            var option = document.createElement('option'); option.value = s; return option;
          }));
        })
        .catch(function () {});
    }, 150);
  });
});
