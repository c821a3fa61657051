"use strict";
// The admin's autocomplete boxes (Select2, as Django ships it) without what a screen reader
// needs: their search field has no name, a single box is named by its selection only (none
// while empty), and the "clear" cross sits in the list of chosen items, where only items
// belong. Each box is mended when Select2 draws or redraws it: named by the label of the
// select it stands for, the cross moved out of the list.
{
    function labelOf(select) {
        const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
        if (!label) {
            return null;
        }
        if (!label.id) {
            label.id = `${select.id}_label`;
        }
        return label;
    }

    function mend(container) {
        const select = container.previousElementSibling;
        const label = select && select.tagName === "SELECT" ? labelOf(select) : null;
        if (label) {
            const name = label.textContent.replace(/:\s*$/, "").trim();
            container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(
                (field) => field.setAttribute("aria-label", name)
            );
            // Select2 shows the choice in a read-only text box of its own, named by the label.
            container.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(
                (shown) => shown.setAttribute("aria-labelledby", label.id)
            );
            const single = container.querySelector(".select2-selection--single[aria-labelledby]");
            if (single) {
                const ids = single.getAttribute("aria-labelledby").split(/\s+/);
                if (!ids.includes(label.id)) {
                    single.setAttribute("aria-labelledby", [label.id, ...ids].join(" "));
                }
            }
        }
        container.querySelectorAll("ul.select2-selection__rendered").forEach((list) => {
            [...list.children].filter((child) => child.tagName !== "LI").forEach(
                (child) => list.before(child)
            );
        });
    }

    function mendAll() {
        document.querySelectorAll("span.select2-container").forEach(mend);
    }

    let queued = false;
    new MutationObserver(() => {
        if (!queued) {
            queued = true;
            queueMicrotask(() => {
                queued = false;
                mendAll();
            });
        }
    }).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener("DOMContentLoaded", mendAll);
}
