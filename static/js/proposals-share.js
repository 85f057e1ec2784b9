// Progressive enhancement of the campaign page: "copy link" buttons next to each axis's share link,
// and a print button. Without JavaScript the plain anchor links and the browser's print remain.

const COPIED = "Lien copié dans le presse-papiers.";
const FAILED = "Copie impossible : utilisez le lien « Lien vers cet axe ».";

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Fallback for plain-http hosts: a temporary, off-screen text area.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "absolute";
  area.style.left = "-9999px";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}

function setUpCopyButtons() {
  for (const button of document.querySelectorAll(".proposals-copy[data-copy-url]")) {
    const status = button.parentElement.querySelector(".proposals-copy-status");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await copyText(button.dataset.copyUrl);
        if (status) status.textContent = COPIED;
      } catch {
        if (status) status.textContent = FAILED;
      }
    });
  }
}

function setUpPrintButton() {
  const button = document.getElementById("bouton-imprimer");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

setUpCopyButtons();
setUpPrintButton();
