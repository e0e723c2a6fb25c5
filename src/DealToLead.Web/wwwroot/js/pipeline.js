// Drag and drop on the pipeline board. Every action also works without script: each card's "Move" link opens a
// page with a stage picker; with script that link opens the Move to dialog instead.
(() => {
    const board = document.getElementById("board");
    if (!board) return;
    const bar = document.getElementById("drop-bar");
    const pipelineId = board.dataset.pipelineId;
    const token = document.querySelector("input[name=__RequestVerificationToken]")?.value ?? "";
    let draggedId = null;

    async function post(handler, fields) {
        const body = new URLSearchParams(fields);
        const response = await fetch(`/pipeline?handler=${handler}&pipelineId=${pipelineId}`, {
            method: "POST",
            headers: { "RequestVerificationToken": token, "X-Board-Request": "1", "Content-Type": "application/x-www-form-urlencoded" },
            body,
        });
        if (!response.ok) {
            let message = board.dataset.textRefused.replace("{0}", response.status);
            try { message = (await response.json()).error ?? message; } catch { /* not JSON */ }
            // In the page's flash region, as every other outcome is shown.
            document.querySelector("main .flash-error[data-board-message]")?.remove();
            const flash = document.createElement("div");
            flash.className = "flash flash-error";
            flash.setAttribute("role", "alert");
            flash.dataset.boardMessage = "";
            flash.textContent = message;
            document.getElementById("main").prepend(flash);
            return false;
        }
        return true;
    }

    board.addEventListener("dragstart", (event) => {
        const card = event.target.closest?.(".card[draggable=true]");
        if (!card) return;
        draggedId = card.dataset.dealId;
        event.dataTransfer.setData("text/plain", draggedId);
        event.dataTransfer.effectAllowed = "move";
        card.classList.add("dragging");
        bar.hidden = false;
    });

    document.addEventListener("dragend", (event) => {
        event.target.closest?.(".card")?.classList.remove("dragging");
        // Let a drop on the bar be handled before it disappears.
        setTimeout(() => { bar.hidden = true; }, 0);
    });

    function allowDrop(event) {
        if (!draggedId) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        event.currentTarget.classList.add("drop-over");
    }
    function leave(event) { event.currentTarget.classList.remove("drop-over"); }

    board.querySelectorAll(".stage").forEach((stage) => {
        stage.addEventListener("dragover", allowDrop);
        stage.addEventListener("dragleave", leave);
        stage.addEventListener("drop", async (event) => {
            event.preventDefault();
            stage.classList.remove("drop-over");
            const id = event.dataTransfer.getData("text/plain") || draggedId;
            draggedId = null;
            const card = board.querySelector(`.card[data-deal-id="${id}"]`);
            if (!card || card.closest(".stage") === stage) return;
            if (await post("Move", { dealId: id, stageId: stage.dataset.stageId })) {
                location.reload();
            }
        });
    });

    bar.querySelectorAll(".drop-target").forEach((target) => {
        target.addEventListener("dragover", allowDrop);
        target.addEventListener("dragleave", leave);
        target.addEventListener("drop", async (event) => {
            event.preventDefault();
            target.classList.remove("drop-over");
            const id = event.dataTransfer.getData("text/plain") || draggedId;
            draggedId = null;
            bar.hidden = true;
            switch (target.dataset.drop) {
                case "won":
                    if (await post("Won", { dealId: id })) location.reload();
                    break;
                case "lost":
                    openLost(id);
                    break;
                case "delete":
                    if (confirm("Delete this deal? It can be restored for 30 days.") && await post("Delete", { dealId: id })) location.reload();
                    break;
                case "move":
                    openMove(id, board.querySelector(`.card[data-deal-id="${id}"]`)?.closest(".stage")?.dataset.stageId);
                    break;
            }
        });
    });

    function openLost(id) {
        const dialog = document.getElementById("lost-dialog");
        dialog.querySelector("input[name=dealId]").value = id;
        dialog.showModal();
    }

    const moveDialog = document.getElementById("move-dialog");
    const moveForm = document.getElementById("move-form");
    const convertForm = document.getElementById("convert-form");
    const pipelineSelect = document.getElementById("move-pipeline");
    const stageSelect = document.getElementById("move-stage");
    let moveDealId = null;

    function showStagesOf(pipeline) {
        let first = null;
        for (const option of stageSelect.options) {
            const match = option.dataset.pipelineId === pipeline;
            option.hidden = !match;
            option.disabled = !match;
            if (match && !first) first = option;
        }
        if (stageSelect.selectedOptions[0]?.disabled !== false && first) first.selected = true;
    }

    function destination() {
        return moveDialog.querySelector("input[name=destination]:checked")?.value ?? "pipeline";
    }

    async function showDestination() {
        const toLeads = destination() === "leads";
        moveForm.hidden = toLeads;
        if (!convertForm) return;
        convertForm.hidden = !toLeads;
        if (toLeads) {
            const preview = document.getElementById("convert-preview");
            preview.textContent = board.dataset.textLoading;
            const response = await fetch(`/deals/${moveDealId}/convert?handler=Preview`, { headers: { "X-Board-Request": "1" } });
            preview.innerHTML = response.ok ? await response.text() : `<p class="field-error">${board.dataset.textPreviewFailed.replace("{0}", response.status)}</p>`;
        }
    }

    function openMove(id, currentStageId) {
        moveDealId = id;
        moveForm.querySelector("input[name=dealId]").value = id;
        moveDialog.querySelector("input[name=destination][value=pipeline]").checked = true;
        pipelineSelect.value = pipelineId;
        if (currentStageId) stageSelect.value = currentStageId;
        showStagesOf(pipelineId);
        if (convertForm) convertForm.action = `/deals/${id}/convert`;
        showDestination();
        moveDialog.showModal();
    }

    board.addEventListener("click", (event) => {
        const link = event.target.closest?.("a.card-move");
        if (!link) return;
        event.preventDefault();
        const card = link.closest(".card");
        openMove(card.dataset.dealId, card.closest(".stage").dataset.stageId);
    });

    pipelineSelect.addEventListener("change", () => showStagesOf(pipelineSelect.value));
    moveDialog.querySelectorAll("input[name=destination]").forEach((radio) => radio.addEventListener("change", showDestination));
    document.getElementById("move-save").addEventListener("click", () => {
        if (destination() === "leads" && convertForm) {
            convertForm.submit();
        } else {
            moveForm.submit();
        }
    });
})();
