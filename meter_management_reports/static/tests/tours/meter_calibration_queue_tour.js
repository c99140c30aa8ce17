/** @odoo-module **/
import { registry } from "@web/core/registry";

// A meter user opens the inquiry "meters waiting for calibration", chooses the year and a
// store, looks at the bars per month, then at the list by month.
registry.category("web_tour.tours").add("meter_calibration_queue_tour", {
    steps: () => [
        {
            content: "Choose the calendar year",
            trigger: ".modal .o_field_widget[name=year] input",
            run: "edit 2026",
        },
        {
            content: "The interval follows the year",
            trigger: ".modal .o_field_widget[name=date_to] input:value(12/31/2026)",
        },
        {
            content: "Choose a store",
            trigger: ".modal .o_field_widget[name=warehouse_ids] input",
            run: "edit Central (test)",
        },
        {
            trigger: ".ui-menu-item > a:contains(Central (test))",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=warehouse_ids] .o_tag:contains(Central (test))",
        },
        {
            content: "Show the graph",
            trigger: ".modal button[name=action_open_graph]",
            run: "click",
        },
        {
            content: "The title names the year, the stores and the types of use",
            trigger: ".o_last_breadcrumb_item:contains(calibration 2026 — Central):contains(all types of use)",
        },
        {
            content: "Bars for every month of the year, on a whole-number axis",
            trigger: ".o_graph_view .o_graph_renderer canvas",
            run() {
                const chart = window.Chart.getChart(this.anchor);
                const labels = chart.data.labels;
                if (labels.length !== 12) {
                    throw new Error(`12 months expected, the graph shows ${labels.join(", ")}`);
                }
                const ticks = chart.scales.y.ticks.map((tick) => tick.label);
                if (ticks.some((label) => !/^\d+$/.test(label))) {
                    throw new Error(`whole numbers expected on the axis: ${ticks.join(", ")}`);
                }
            },
        },
        {
            content: "Switch to the list",
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The months with meters falling due",
            trigger: ".o_list_view .o_group_name:contains(March 2026)",
        },
        {
            trigger: ".o_list_view .o_group_name:contains(January 2026)",
        },
    ],
});
