/** @odoo-module **/
import { registry } from "@web/core/registry";

// A storekeeper registers a group of ten meters, 30001 to 30010, from the meters list.
registry.category("web_tour.tours").add("meter_registration_tour", {
    steps: () => [
        {
            content: "Open the registration wizard from the meters list",
            trigger: ".o_control_panel button:contains(Register Meters)",
            run: "click",
        },
        {
            content: "Choose the meter type",
            trigger: ".modal .o_field_widget[name=product_id] input",
            run: "edit CT meter",
        },
        {
            trigger: ".ui-menu-item > a:contains(CT meter 200/5)",
            run: "click",
        },
        {
            content: "The multiplier comes from the type: CT 200/5",
            trigger: ".modal .o_field_widget[name=multiplier]:contains(40)",
        },
        {
            content: "First number",
            trigger: ".modal .o_field_widget[name=first_number] input",
            run: "edit 30001",
        },
        {
            content: "Last number",
            trigger: ".modal .o_field_widget[name=last_number] input",
            run: "edit 30010",
        },
        {
            content: "Leave the field, as a user moving on to the group",
            trigger: ".modal .o_field_widget[name=group_name] input",
            run: "click",
        },
        {
            content: "The preview counts the meters",
            trigger: ".modal .o_field_widget[name=preview]:contains(30001 … 30010: 10 meters)",
        },
        {
            content: "Register",
            trigger: ".modal button[name=action_register]",
            run: "click",
        },
        {
            content: "The ten new meters are listed, in store",
            trigger: ".o_list_view .o_data_row:nth-child(10) .o_data_cell:contains(30010)",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:nth-child(11)))",
        },
    ],
});
