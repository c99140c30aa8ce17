/** @odoo-module **/
import { registry } from "@web/core/registry";

// A field technician exchanges the meter of a service point: final readings of the removed
// meter, initial readings of the new one, the removed meter back to a store.
registry.category("web_tour.tours").add("meter_exchange_tour", {
    steps: () => [
        {
            content: "The service point has its meter",
            trigger: ".o_form_view .o_field_widget[name=current_lot_id]:contains(TOUR-0001)",
        },
        {
            content: "Exchange the meter",
            trigger: ".o_form_view button[name=action_exchange_meter]",
            run: "click",
        },
        {
            content: "Choose the new meter",
            trigger: ".modal .o_field_widget[name=new_lot_id] input",
            run: "edit TOUR-0002",
        },
        {
            trigger: ".ui-menu-item > a:contains(TOUR-0002)",
            run: "click",
        },
        {
            content: "A line for the new meter's initial reading appears",
            trigger: ".modal .o_data_row:nth-child(2) .o_data_cell[name=lot_id]:contains(TOUR-0002)",
        },
        {
            content: "Final reading of the removed meter",
            trigger: ".modal .o_data_row:nth-child(1) .o_data_cell[name=value]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:nth-child(1) .o_field_widget[name=value] input",
            run: "edit 1234.5",
        },
        {
            content: "Initial reading of the new meter",
            trigger: ".modal .o_data_row:nth-child(2) .o_data_cell[name=value]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:nth-child(2) .o_field_widget[name=value] input",
            run: "edit 7",
        },
        {
            content: "Confirm the exchange",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The new meter is installed",
            trigger: ".o_form_view:not(:has(.modal)) .o_field_widget[name=current_lot_id]:contains(TOUR-0002)",
        },
    ],
});
