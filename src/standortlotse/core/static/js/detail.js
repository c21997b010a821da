/* Detail pages: the photo gallery and the share box. Both work without this file: the photos are
   plain images, the link is in a text field and the mail link is an ordinary link. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function label(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }

  function gallery(root) {
    var main = root.querySelector("[data-gallery-main]");
    var caption = root.querySelector("[data-gallery-caption]");
    var list = root.querySelector("[data-gallery-list]");
    if (!main || !list) { return; }
    var photos = Array.prototype.map.call(list.querySelectorAll("img"), function (img) {
      return {
        src: img.getAttribute("src"), alt: img.getAttribute("alt") || "",
        width: img.getAttribute("width"), height: img.getAttribute("height"),
        credit: img.getAttribute("data-credit") || "",
        thumb: img.getAttribute("data-thumb") || img.getAttribute("src")
      };
    });
    var thumbs = el("ul", { "class": "gallery-thumbs", "aria-label": root.dataset.labelThumbs });
    var buttons = photos.map(function (photo, index) {
      var item = el("li");
      var button = el("button", {
        type: "button", "class": "gallery-thumb", "aria-pressed": index === 0 ? "true" : "false"
      });
      // The small copy (16:10, as the button frames it), not the full photo.
      var img = el("img", { src: photo.thumb, alt: "", loading: "lazy", width: "320", height: "200" });
      button.appendChild(img);
      button.appendChild(el("span", { "class": "visually-hidden" },
        label(root.dataset.labelPhoto, { n: index + 1, total: photos.length }) + ": " + photo.alt));
      button.addEventListener("click", function () { show(index); });
      button.addEventListener("keydown", function (event) {
        var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
        if (event.key === "Home") { step = -index; }
        if (event.key === "End") { step = photos.length - 1 - index; }
        if (step === undefined) { return; }
        event.preventDefault();
        var next = (index + step + photos.length) % photos.length;
        show(next);
        buttons[next].focus();
      });
      item.appendChild(button);
      thumbs.appendChild(item);
      return button;
    });

    function show(index) {
      var photo = photos[index];
      main.setAttribute("src", photo.src);
      main.setAttribute("alt", photo.alt);
      if (photo.width) {
        main.setAttribute("width", photo.width); main.setAttribute("height", photo.height);
      } else {
        main.removeAttribute("width"); main.removeAttribute("height");
      }
      caption.textContent = photo.credit ? root.dataset.labelCredit + ": " + photo.credit : "";
      buttons.forEach(function (button, i) {
        button.setAttribute("aria-pressed", i === index ? "true" : "false");
      });
    }

    // The large photo opens a larger view (a modal dialog: Escape and the close button end it).
    var dialog = el("dialog", { "class": "gallery-dialog", "aria-label": root.dataset.labelEnlarge });
    var large = el("img", { alt: "" });
    var close = el("button", { type: "button", "class": "secondary" }, root.dataset.labelClose);
    close.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(close);
    dialog.appendChild(large);
    root.appendChild(dialog);
    var enlarge = el("button", { type: "button", "class": "gallery-enlarge" });
    main.parentNode.insertBefore(enlarge, main);
    enlarge.appendChild(main);
    enlarge.appendChild(el("span", { "class": "visually-hidden" }, root.dataset.labelEnlarge));
    enlarge.addEventListener("click", function () {
      large.setAttribute("src", main.getAttribute("src"));
      large.setAttribute("alt", main.getAttribute("alt"));
      if (typeof dialog.showModal === "function") { dialog.showModal(); close.focus(); }
    });

    list.replaceWith(thumbs);
  }

  function share(root) {
    var field = root.querySelector("[data-share-url]");
    var button = root.querySelector("[data-share-copy]");
    var status = root.querySelector("[data-share-status]");
    if (!field || !button || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = status.dataset.copied;
      }, function () {
        field.select();
        status.textContent = status.dataset.failed;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-gallery]").forEach(gallery);
    document.querySelectorAll("[data-share]").forEach(share);
  });
}());
