/* The compare selection (up to four properties) survives navigation: it is kept in localStorage
   and written into every link to the compare page (?ids=1,2,3). The compare page's URL is the
   truth: opening it stores its ids. "Compare" buttons (properties/includes/compare_toggle.html)
   carry aria-pressed; the search form's checkboxes follow the same selection. Without
   JavaScript the buttons stay hidden and the compare page works from its URL alone. */
(function () {
  "use strict";
  var KEY = "standortlotse.compare";
  var MAX = 4;

  function read() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (id) { return /^\d+$/.test(String(id)); })
        .map(String).slice(0, MAX) : [];
    } catch (e) { return []; }
  }

  function write(ids) {
    try { window.localStorage.setItem(KEY, JSON.stringify(ids.slice(0, MAX))); } catch (e) { /* private mode: the URL still works */ }
  }

  var status;
  function announce(text) {
    if (status && text) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 50); }
  }

  function render() {
    var ids = read();
    document.querySelectorAll("[data-compare-toggle]").forEach(function (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", ids.indexOf(button.dataset.compareToggle) >= 0 ? "true" : "false");
    });
    document.querySelectorAll("[data-compare-link]").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      if (ids.length) { url.searchParams.set("ids", ids.join(",")); } else { url.searchParams.delete("ids"); }
      link.setAttribute("href", url.pathname + url.search);
      var count = link.querySelector("[data-compare-count]");
      if (count) { count.textContent = String(ids.length); }
    });
    document.querySelectorAll("form.compare-form input[name=ids]").forEach(function (box) {
      box.checked = ids.indexOf(box.value) >= 0;
    });
  }

  function toggle(id) {
    var ids = read();
    var at = ids.indexOf(id);
    var texts = document.querySelector("[data-compare-toggle]");
    texts = texts ? texts.dataset : {};
    if (at >= 0) {
      ids.splice(at, 1);
      announce(texts.removed);
    } else if (ids.length >= MAX) {
      announce(texts.full);
      return false;
    } else {
      ids.push(id);
      announce((texts.added || "").replace("%(count)s", String(ids.length)));
    }
    write(ids);
    render();
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector("[data-compare-page]");
    if (page) {
      var ids = (page.dataset.ids || "").split(",").filter(Boolean);
      var asked = new URLSearchParams(window.location.search).has("ids");
      if (!asked && !ids.length && read().length) {
        // The page was opened without a selection: show the stored one.
        window.location.replace(window.location.pathname + "?ids=" + read().join(","));
        return;
      }
      write(ids);
    }
    status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-compare-toggle]");
      if (button) { toggle(button.dataset.compareToggle); }
    });
    document.addEventListener("change", function (event) {
      var box = event.target.closest("form.compare-form input[name=ids]");
      if (!box) { return; }
      var selected = read().indexOf(box.value) >= 0;
      if (box.checked !== selected && !toggle(box.value)) { box.checked = false; }
    });
    render();
  });
}());
