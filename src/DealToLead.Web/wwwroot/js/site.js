// Small progressive enhancements; every page works as plain forms without them.
const phone = window.matchMedia("(max-width: 719px)");

document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-open-dialog]");
    if (opener) {
        const dialog = document.getElementById(opener.dataset.openDialog);
        if (dialog) {
            event.preventDefault();
            dialog.showModal();
        }
    }

    const closer = event.target.closest("[data-close-dialog]");
    if (closer) {
        event.preventDefault();
        closer.closest("dialog")?.close();
    }

    // The top menu behind its button on narrow screens.
    const toggle = event.target.closest("[data-menu-toggle]");
    if (toggle) {
        const menu = document.getElementById(toggle.getAttribute("aria-controls"));
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        menu?.classList.toggle("open", open);
        if (open) {
            menu?.querySelector("a")?.focus();
        }
    }

    // A lead chosen in the inbox: on a phone it opens as its own page; elsewhere focus moves to the panel once loaded.
    const leadLink = event.target.closest("a[data-lead-page]");
    if (leadLink) {
        if (phone.matches) {
            event.preventDefault();
            window.location.assign(leadLink.dataset.leadPage);
        } else {
            sessionStorage.setItem("focus-lead-panel", "1");
        }
    }

    // An open "..." menu closes when the click lands outside it.
    document.querySelectorAll("details[data-popup][open]").forEach((details) => {
        if (!details.contains(event.target)) {
            details.open = false;
        }
    });
});

// Escape closes an open "..." menu or the top menu and gives focus back to what opened it.
document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") {
        return;
    }

    const details = event.target.closest?.("details[data-popup][open]") ?? document.querySelector("details[data-popup][open]");
    if (details) {
        details.open = false;
        details.querySelector("summary")?.focus();
        return;
    }

    const toggle = document.querySelector("[data-menu-toggle][aria-expanded=true]");
    if (toggle) {
        toggle.click();
        toggle.focus();
    }
});

// A select that shows another view as soon as it changes (the Content-Security-Policy allows no inline handlers).
document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-submit-on-change]")) {
        event.target.form?.submit();
    }
});

// A form that asks before it posts (a destructive action).
document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
    }
});

(() => {
    const panel = document.getElementById("lead-panel");
    if (panel && sessionStorage.getItem("focus-lead-panel")) {
        sessionStorage.removeItem("focus-lead-panel");
        panel.focus({ preventScroll: !phone.matches });
    }
})();

// A copy button (the Smart Bcc address): copies the value of the field it names.
document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    const field = button && document.getElementById(button.dataset.copy);
    if (field && navigator.clipboard) {
        navigator.clipboard.writeText(field.value);
    }
});
