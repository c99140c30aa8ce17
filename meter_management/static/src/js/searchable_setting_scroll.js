/** @odoo-module **/
import { onMounted } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { patch } from "@web/core/utils/patch";
import { SearchableSetting } from "@web/webclient/settings_form_view/settings/searchable_setting";

// Opened at /odoo/settings#<setting id>, the settings page selects the setting's app and
// highlights the setting; it also scrolls to it, so that a block halfway down an app's
// settings (the Meters block in Inventory's) is in view.
patch(SearchableSetting.prototype, {
    setup() {
        super.setup();
        onMounted(() => {
            if (this.props.id && browser.location.hash.substring(1) === this.props.id) {
                // after the settings page has restored its own scroll position
                browser.setTimeout(() => {
                    this.settingRef.el?.scrollIntoView({ block: "center" });
                }, 0);
            }
        });
    },
});
