// Keeps the deal list's bulk-conversion banner up to date without reloading the list (and losing the selection).
(() => {
    const banner = document.querySelector("[data-testid='bulk-job-banner'][data-progress-url]");
    if (!banner) {
        return;
    }

    const progress = banner.querySelector("[data-bulk-progress]");
    const timer = setInterval(async () => {
        try {
            const response = await fetch(banner.dataset.progressUrl, { headers: { Accept: "application/json" } });
            if (!response.ok) {
                clearInterval(timer);
                return;
            }

            const job = await response.json();
            progress.textContent = banner.dataset.textProgress.replace("{0}", job.processed).replace("{1}", job.total);
            if (job.status === "Completed") {
                clearInterval(timer);
                progress.textContent += ` ${banner.dataset.textFinished}`;
                banner.classList.replace("running", "done");
                banner.querySelector("a").textContent = banner.dataset.textSummary;
            }
        } catch {
            // A missed poll is harmless; the next one catches up.
        }
    }, 1000);
})();
