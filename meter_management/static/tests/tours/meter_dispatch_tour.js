/** @odoo-module **/
import { registry } from "@web/core/registry";

// A storekeeper sends 10 meters from the central store to a regional store, on Odoo's own
// transfer form, by pasting their range; validating the dispatch creates the reception there.
registry.category("web_tour.tours").add("meter_dispatch_tour", {
    steps: () => [
        {
            content: "Choose the central store's meter dispatch operation",
            trigger: ".o_form_view .o_field_widget[name=picking_type_id] input",
            run: "edit Central",
        },
        {
            trigger: ".ui-menu-item > a:contains(Meter Dispatches)",
            run: "click",
        },
        {
            content: "Send to the regional store",
            trigger: ".o_form_view .o_field_widget[name=meter_dest_warehouse_id] input",
            run: "edit Regional",
        },
        {
            trigger: ".ui-menu-item > a:contains(Regional)",
            run: "click",
        },
        {
            content: "Paste the range of meter numbers",
            trigger: ".o_form_view .o_field_widget[name=meter_paste] textarea",
            run: "edit 30001-30010",
        },
        {
            content: "Add the meters",
            trigger: ".o_form_view button[name=action_add_pasted_meters]",
            run: "click",
        },
        {
            content: "The 10 meters are on the transfer",
            trigger: ".o_form_view .o_field_widget[name=meter_count]:contains(10)",
        },
        {
            content: "Validate the dispatch",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            content: "The dispatch is done: open its arrivals",
            trigger: ".o_form_view button[name=action_open_meter_arrivals]",
            run: "click",
        },
        {
            content: "The reception opens: it waits at the regional store",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(TREG/MRCP/)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=meter_count]:contains(10)",
        },
    ],
});
