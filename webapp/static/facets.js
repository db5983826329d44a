// The department facet's filter box: typing narrows the long list to the departments whose
// name or any written form (应急厅 for 应急管理厅) holds the text. Selected ones always stay.
// Without JavaScript the box stays hidden and the whole list scrolls as before.
document.querySelectorAll(".facet-filter").forEach(function (box) {
  var list = document.getElementById(box.getAttribute("aria-controls"));
  var none = box.parentNode.querySelector(".facet-filter-none");
  if (!list) return;
  box.hidden = false;
  box.addEventListener("input", function () {
    var wanted = box.value.trim().toLowerCase();
    var found = 0;  // matches besides the selected ones, which stay anyway
    list.querySelectorAll("li").forEach(function (item) {
      var text = (item.getAttribute("data-forms") || item.textContent).toLowerCase();
      var matches = !wanted || text.indexOf(wanted) >= 0;
      item.hidden = !(matches || item.classList.contains("selected"));
      if (matches && !item.classList.contains("selected")) found += 1;
    });
    if (none) none.hidden = found > 0 || !wanted;
  });
});
