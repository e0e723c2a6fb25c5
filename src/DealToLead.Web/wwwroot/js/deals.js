// The deal list's selection: select-all, and the bar with the number ticked and what can be done with them.
(() => {
    const form = document.getElementById("deal-selection");
    const bar = document.querySelector("[data-selection-bar]");
    if (!form || !bar) {
        return;
    }

    const count = bar.querySelector("[data-testid=selected-count]");
    const boxes = () => [...form.querySelectorAll("input[name=ids]")];

    function update() {
        const ticked = boxes().filter((box) => box.checked).length;
        bar.hidden = ticked === 0;
        count.textContent = ticked === 1 ? count.dataset.selectedOne : count.dataset.selectedMany.replace("{0}", ticked);
    }

    document.getElementById("select-all")?.addEventListener("change", (event) => {
        boxes().forEach((box) => { box.checked = event.target.checked; });
        update();
    });
    form.addEventListener("change", update);
    bar.querySelector("[data-clear-selection]")?.addEventListener("click", () => {
        boxes().forEach((box) => { box.checked = false; });
        const all = document.getElementById("select-all");
        if (all) {
            all.checked = false;
        }
        update();
    });
    update();
})();
