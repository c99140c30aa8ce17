/** @odoo-module **/
import { registry } from "@web/core/registry";

// A meter user opens "Meter Movements between Stores", chooses March and April 2026, leaves
// out the receipts from suppliers and prints: the dialog closes when the PDF is downloaded.
registry.category("web_tour.tours").add("meter_movement_report_tour", {
    steps: () => [
        {
            content: "The dialog has its title",
            trigger: ".modal .modal-title:contains(Meter Movements between Stores)",
        },
        {
            content: "From 1 March 2026",
            trigger: ".modal .o_field_widget[name=date_from] input",
            run: "edit 03/01/2026",
        },
        {
            content: "To 30 April 2026",
            trigger: ".modal .o_field_widget[name=date_to] input",
            run: "edit 04/30/2026",
        },
        {
            content: "Leave out the receipts from suppliers",
            trigger: ".modal .o_field_widget[name=include_receipt] input:checked",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=include_receipt] input:not(:checked)",
        },
        {
            content: "Print",
            trigger: ".modal button[name=action_print]",
            run: "click",
        },
        {
            content: "The PDF is downloaded and the dialog closes",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
