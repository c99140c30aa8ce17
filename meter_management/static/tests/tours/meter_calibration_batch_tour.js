/** @odoo-module **/
import { registry } from "@web/core/registry";

// A laboratory technician loads the meters waiting in the laboratory (a CT meter and a
// single-phase meter), enters the as-found error of each register and records the results.
registry.category("web_tour.tours").add("meter_calibration_batch_tour", {
    steps: () => [
        {
            content: "Load the meters waiting in the laboratory",
            trigger: ".modal button[name=action_load_meters]",
            run: "click",
        },
        {
            content: "One line per register: the CT meter's three, the single-phase meter's one",
            trigger: ".modal .o_data_row:nth-child(4) td[name=register_type]:contains(Active energy)",
        },
        {
            trigger: ".modal .o_data_row:nth-child(2) td[name=register_type]:contains(Reactive energy)",
        },
        {
            content: "The reopened dialog keeps its title",
            trigger: ".modal .modal-title:contains(Record Calibration Results)",
        },
        {
            content: "As found of 49001 active",
            trigger: ".modal .o_data_row:nth-child(1) td[name=as_found_error]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:nth-child(1) td[name=as_found_error] input",
            run: "edit 0.3",
        },
        {
            content: "As found of 49001 reactive: beyond class 0.5 S",
            trigger: ".modal .o_data_row:nth-child(2) td[name=as_found_error]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:nth-child(2) td[name=as_found_error] input",
            run: "edit 0.8",
        },
        {
            content: "As found of 49001 demand",
            trigger: ".modal .o_data_row:nth-child(3) td[name=as_found_error]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:nth-child(3) td[name=as_found_error] input",
            run: "edit 0.1",
        },
        {
            content: "As found of 49002 active",
            trigger: ".modal .o_data_row:nth-child(4) td[name=as_found_error]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:nth-child(4) td[name=as_found_error] input",
            run: "edit 0.4",
        },
        {
            content: "The reactive register fails on its own",
            trigger: ".modal .o_data_row:nth-child(2) td[name=measured_result]:contains(Fail)",
        },
        {
            content: "Record the results",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "What was recorded",
            trigger: ".o_last_breadcrumb_item:contains(1 passed, 1 failed)",
        },
    ],
});
