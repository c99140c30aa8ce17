/** @odoo-module **/
import { registry } from "@web/core/registry";

const READINGS =
    "meter_number,register_type,reading_date,value,reader_code\n" +
    "TRA-0001,active,2026-02-01 08:00:00,150,DMG\n";

// A field technician loads a file of readings: the reader's "meter damaged" code raises an
// anomaly, the anomaly an exchange order; the technician completes the order as an
// exchange and the anomaly is resolved.
registry.category("web_tour.tours").add("meter_anomaly_service_order_tour", {
    steps: () => [
        {
            content: "Load the readings file",
            trigger: ".modal .o_field_widget[name=file] input[type=file]:not(:visible)",
            async run() {
                const file = new File([READINGS], "readings.csv", { type: "text/csv" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            content: "Import",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "One reading saved, one anomaly found",
            trigger: ".modal .o_field_widget[name=anomaly_count]:contains(1)",
        },
        {
            trigger: ".modal button[name=action_open_anomalies]",
            run: "click",
        },
        {
            content: "The anomaly of the damaged meter",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=lot_id]:contains(TRA-0001)",
            run: "click",
        },
        {
            content: "It raised a service order",
            trigger: ".o_form_view .o_field_widget[name=service_order_id] a",
            run: "click",
        },
        {
            content: "An exchange order",
            trigger: ".o_form_view .o_field_widget[name=order_type]:contains(Exchange)",
        },
        {
            content: "Complete it",
            trigger: ".o_form_view button[name=action_open_complete_wizard]",
            run: "click",
        },
        {
            content: "Choose the new meter",
            trigger: ".modal .o_field_widget[name=new_lot_id] input",
            run: "edit TRA-0002",
        },
        {
            trigger: ".ui-menu-item > a:contains(TRA-0002)",
            run: "click",
        },
        {
            content: "A line for the new meter's initial reading appears",
            trigger: ".modal .o_data_row:nth-child(2) .o_data_cell[name=lot_id]:contains(TRA-0002)",
        },
        {
            content: "Final reading of the damaged meter",
            trigger: ".modal .o_data_row:nth-child(1) .o_data_cell[name=value]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:nth-child(1) .o_field_widget[name=value] input",
            run: "edit 160",
        },
        {
            content: "Initial reading of the new meter",
            trigger: ".modal .o_data_row:nth-child(2) .o_data_cell[name=value]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:nth-child(2) .o_field_widget[name=value] input",
            run: "edit 5",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order is done",
            trigger:
                ".o_form_view:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains(Done)",
        },
        {
            content: "Its anomaly",
            trigger: ".o_form_view button[name=action_open_anomalies]",
            run: "click",
        },
        {
            content: "is resolved",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=state]:contains(Resolved)",
        },
    ],
});
