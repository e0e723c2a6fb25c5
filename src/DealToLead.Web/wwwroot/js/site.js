// Small progressive enhancements; every page works as plain forms without them.
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
