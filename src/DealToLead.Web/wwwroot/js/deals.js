// Select-all for the deal list's row checkboxes.
document.getElementById("select-all")?.addEventListener("change", (event) => {
    document.querySelectorAll("#deal-selection input[name=ids]").forEach((box) => { box.checked = event.target.checked; });
});
