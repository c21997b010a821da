// "Read aloud" with the browser's own speech synthesis: no external service, nothing sent.
(function () {
  if (!("speechSynthesis" in window)) return;
  document.querySelectorAll("button.read-aloud").forEach(function (button) {
    var target = document.querySelector(button.dataset.read);
    if (!target) return;
    var startLabel = button.textContent;
    var stopLabel = document.documentElement.lang === "en" ? "Stop reading" : "Vorlesen beenden";
    button.hidden = false;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      if (window.speechSynthesis.speaking) {
        window.speechSynthesis.cancel();
        return;
      }
      var text = Array.from(target.querySelectorAll("h1, h2, h3, p, li"))
        .filter(function (el) { return !el.closest(".read-aloud-bar"); })
        .map(function (el) { return el.textContent.trim(); }).join(". ");
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = document.documentElement.lang === "en" ? "en-GB" : "de-DE";
      utterance.onend = utterance.onerror = function () {
        button.textContent = startLabel;
        button.setAttribute("aria-pressed", "false");
      };
      button.textContent = stopLabel;
      button.setAttribute("aria-pressed", "true");
      window.speechSynthesis.speak(utterance);
    });
  });
})();
