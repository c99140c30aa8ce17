/** @odoo-module **/
import { registry } from "@web/core/registry";

function inView(el) {
    const box = el.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
}

// The Meters menu's Settings opens Inventory's settings with the Meters block in view.
registry.category("web_tour.tours").add("meter_settings_tour", {
    steps: () => [
        {
            content: "Inventory's settings are open",
            trigger: ".o_settings_container",
        },
        {
            content: "The Meters block's first setting is highlighted",
            trigger: ".o_setting_highlight:contains(Meter registration)",
        },
        {
            content: "... and scrolled into view",
            trigger: ".o_setting_highlight:contains(Meter registration)",
            async run() {
                const el = document.querySelector(".o_setting_highlight");
                for (let attempt = 0; attempt < 50; attempt++) {
                    if (inView(el)) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                throw new Error("The Meters settings are not in view");
            },
        },
    ],
});
