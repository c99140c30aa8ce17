/** @odoo-module **/
import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphModel } from "@web/views/graph/graph_model";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

/**
 * A bar graph of meter counts per month: the months the server fills in (``fill_temporal``)
 * stay on the axis as empty bars, where the standard bar graph drops groups without records.
 */
export class MeterCountGraphModel extends GraphModel {
    _getProcessedDataPoints() {
        if (this.metaData.mode !== "bar") {
            return super._getProcessedDataPoints();
        }
        const dataPoints = this.dataPoints;
        // the standard bar graph keeps the points whose count is not 0
        this.dataPoints = dataPoints.map((point) => ({ ...point, count: point.count || null }));
        try {
            return super._getProcessedDataPoints();
        } finally {
            this.dataPoints = dataPoints;
        }
    }
}

/**
 * Its value axis steps by whole meters (0, 1, 2, ...), never 0.00-1.00 as the standard graph
 * does when a month holds one meter.
 */
export class MeterCountGraphRenderer extends GraphRenderer {
    getScaleOptions() {
        const scales = super.getScaleOptions();
        if (scales.y) {
            scales.y.ticks = {
                ...scales.y.ticks,
                precision: 0,
                callback: (value) => this.formatValue(value, Number.isInteger(value)),
            };
        }
        return scales;
    }
}

registry.category("views").add("meter_count_graph", {
    ...graphView,
    Model: MeterCountGraphModel,
    Renderer: MeterCountGraphRenderer,
});
