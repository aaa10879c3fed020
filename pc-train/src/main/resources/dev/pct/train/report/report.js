document.querySelectorAll('.card').forEach(function (card) {
  var tabs = card.querySelectorAll('[role=tab]');
  tabs.forEach(function (tab) {
    tab.addEventListener('click', function () {
      tabs.forEach(function (t) { t.setAttribute('aria-selected', String(t === tab)); });
      card.querySelectorAll('.panel').forEach(function (p) { p.hidden = p.dataset.panel !== tab.dataset.tab; });
    });
  });
});
document.querySelectorAll('.gallery').forEach(function (gallery) {
  var size = Number(gallery.dataset.pageSize);
  var figures = gallery.querySelectorAll('figure');
  var pager = gallery.nextElementSibling;
  if (!pager || !pager.classList.contains('pager')) { return; }
  var buttons = pager.querySelectorAll('button');
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      var page = Number(button.dataset.page);
      figures.forEach(function (f, i) { f.hidden = Math.floor(i / size) !== page; });
      buttons.forEach(function (b) { b.classList.toggle('current', b === button); });
    });
  });
});
